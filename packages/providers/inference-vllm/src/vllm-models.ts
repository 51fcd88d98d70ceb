import { classifyOpenAIModel, type EmbeddingModelInfo, type UpstreamModel } from '@stack/openai-compatible';
import type { DiscoveredModel } from '@stack/inference-api';

/** Embedding models often served by vLLM, by Hugging Face id, with their output sizes. */
export const vllmEmbeddingModels: Record<string, EmbeddingModelInfo> = {
  'BAAI/bge-small-en-v1.5': { embedding_dimension: 384, context_length: 512 },
  'BAAI/bge-base-en-v1.5': { embedding_dimension: 768, context_length: 512 },
  'BAAI/bge-large-en-v1.5': { embedding_dimension: 1024, context_length: 512 },
  'BAAI/bge-m3': { embedding_dimension: 1024, context_length: 8192 },
  'sentence-transformers/all-MiniLM-L6-v2': { embedding_dimension: 384, context_length: 512 },
  'nomic-ai/nomic-embed-text-v1.5': { embedding_dimension: 768, context_length: 8192 },
  'intfloat/e5-mistral-7b-instruct': { embedding_dimension: 4096, context_length: 32768 },
  'intfloat/multilingual-e5-large': { embedding_dimension: 1024, context_length: 512 },
  'Qwen/Qwen3-Embedding-0.6B': { embedding_dimension: 1024, context_length: 32768 },
  'Qwen/Qwen3-Embedding-4B': { embedding_dimension: 2560, context_length: 32768 },
  'Qwen/Qwen3-Embedding-8B': { embedding_dimension: 4096, context_length: 32768 },
  'ibm-granite/granite-embedding-125m-english': { embedding_dimension: 768, context_length: 512 },
};

/**
 * vLLM's `/v1/models` says nothing about a model's task. A model is known by its served id or by
 * `root` (the checkpoint behind a `--served-model-name` alias); otherwise its name decides, as in
 * the reference: "embed" → embedding (dimension probed later), "rerank" → rerank, else LLM.
 */
export function classifyVLLMModel(model: UpstreamModel): DiscoveredModel {
  const root = typeof model.root === 'string' ? model.root : undefined;
  const known = knownEmbeddingModel(model.id) ?? (root ? knownEmbeddingModel(root) : undefined);
  const base = classifyOpenAIModel(model);
  if (known) return { ...base, model_type: 'embedding', metadata: { ...base.metadata, ...known } };
  const names = `${model.id} ${root ?? ''}`.toLowerCase();
  if (names.includes('embed')) return { ...base, model_type: 'embedding' };
  if (names.includes('rerank')) return { ...base, model_type: 'rerank' };
  return base;
}

function knownEmbeddingModel(id: string): EmbeddingModelInfo | undefined {
  return Object.hasOwn(vllmEmbeddingModels, id) ? vllmEmbeddingModels[id] : undefined;
}
