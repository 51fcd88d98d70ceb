import type { DiscoveredModel } from '@stack/inference-api';
import type { EmbeddingModelInfo } from '@stack/openai-compatible';

/** Common embedding models of Ollama's library, for when `/api/show` cannot be asked. */
export const ollamaEmbeddingModels: Record<string, EmbeddingModelInfo> = {
  'all-minilm:l6-v2': { embedding_dimension: 384, context_length: 512 },
  'nomic-embed-text:latest': { embedding_dimension: 768, context_length: 8192 },
  'nomic-embed-text:v1.5': { embedding_dimension: 768, context_length: 8192 },
  'nomic-embed-text:137m-v1.5-fp16': { embedding_dimension: 768, context_length: 8192 },
};

/** The part of Ollama's `POST /api/show` answer that classification reads. */
export interface OllamaShowResponse {
  capabilities?: string[] | null;
  model_info?: Record<string, unknown> | null;
  details?: { family?: string | null } | null;
}

/**
 * Ollama says what a model can do in `capabilities`. Sizes live in `model_info` under the
 * architecture's prefix (`nomic-bert.embedding_length`); for an LLM `embedding_length` is its
 * hidden size, so it is only reported for embedding models.
 */
export function classifyOllamaModel(name: string, show: OllamaShowResponse): DiscoveredModel {
  const info = show.model_info ?? {};
  const architecture = typeof info['general.architecture'] === 'string' ? info['general.architecture'] : undefined;
  const contextLength = modelInfoNumber(info, architecture, 'context_length');
  const metadata: Record<string, unknown> = {};
  if (show.capabilities?.includes('embedding')) {
    const dimension = modelInfoNumber(info, architecture, 'embedding_length') ?? fallbackEmbeddingModel(name)?.embedding_dimension;
    if (dimension !== undefined) metadata.embedding_dimension = dimension;
    if (contextLength !== undefined) metadata.context_length = contextLength;
    return { provider_resource_id: name, model_type: 'embedding', metadata };
  }
  if (contextLength !== undefined) metadata.context_length = contextLength;
  return { provider_resource_id: name, model_type: 'llm', metadata };
}

/** Classification from the name alone, when `/api/show` failed for a model. */
export function classifyOllamaModelByName(name: string): DiscoveredModel {
  const known = fallbackEmbeddingModel(name);
  return known
    ? { provider_resource_id: name, model_type: 'embedding', metadata: { ...known } }
    : { provider_resource_id: name, model_type: 'llm', metadata: {} };
}

function fallbackEmbeddingModel(name: string): EmbeddingModelInfo | undefined {
  return Object.hasOwn(ollamaEmbeddingModels, name) ? ollamaEmbeddingModels[name] : undefined;
}

function modelInfoNumber(info: Record<string, unknown>, architecture: string | undefined, field: string): number | undefined {
  const exact = architecture ? info[`${architecture}.${field}`] : undefined;
  if (typeof exact === 'number') return exact;
  for (const [key, value] of Object.entries(info)) {
    if (key.endsWith(`.${field}`) && typeof value === 'number') return value;
  }
  return undefined;
}
