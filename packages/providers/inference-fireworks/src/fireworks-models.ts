import type { DiscoveredModel } from '@stack/inference-api';
import type { EmbeddingModelInfo, UpstreamModel } from '@stack/openai-compatible';

/** Fireworks' serverless embedding models and their output sizes (as the reference lists them). */
export const fireworksEmbeddingModels: Record<string, EmbeddingModelInfo> = {
  'nomic-ai/nomic-embed-text-v1.5': { embedding_dimension: 768, context_length: 8192 },
  'accounts/fireworks/models/qwen3-embedding-8b': { embedding_dimension: 4096, context_length: 40960 },
};

/**
 * Classifies one entry of Fireworks' `GET /models`, which adds `context_length` and capability
 * flags to OpenAI's fields but no task. Known embedding models come with their sizes; other ids
 * naming "embed" are embedding models whose size is probed; everything else is an LLM.
 */
export function classifyFireworksModel(model: UpstreamModel): DiscoveredModel {
  const known = Object.hasOwn(fireworksEmbeddingModels, model.id) ? fireworksEmbeddingModels[model.id] : undefined;
  if (known) return { provider_resource_id: model.id, model_type: 'embedding', metadata: { ...known } };
  const contextLength = typeof model.context_length === 'number' && model.context_length > 0 ? model.context_length : undefined;
  const metadata = contextLength === undefined ? {} : { context_length: contextLength };
  const type = model.id.toLowerCase().includes('embed') ? 'embedding' : 'llm';
  return { provider_resource_id: model.id, model_type: type, metadata };
}
