import type { DiscoveredModel } from '@stack/inference-api';
import { classifyOpenAIModel, type EmbeddingModelInfo, type UpstreamModel } from '@stack/openai-compatible';

/**
 * NIM embedding models with their default output sizes and token limits, from NVIDIA's
 * text-embedding support matrix. (The reference's table gives 512 dimensions for three of them,
 * their token limit; vector stores size their indexes from this, so the matrix's values are used.)
 */
export const nvidiaEmbeddingModels: Record<string, EmbeddingModelInfo> = {
  'nvidia/llama-3.2-nv-embedqa-1b-v2': { embedding_dimension: 2048, context_length: 8192 },
  'nvidia/llama-nemotron-embed-1b-v2': { embedding_dimension: 2048, context_length: 8192 },
  'nvidia/nv-embedqa-e5-v5': { embedding_dimension: 1024, context_length: 512 },
  'nvidia/nv-embedqa-mistral-7b-v2': { embedding_dimension: 4096, context_length: 512 },
  'snowflake/arctic-embed-l': { embedding_dimension: 1024, context_length: 512 },
  'baai/bge-m3': { embedding_dimension: 1024, context_length: 8192 },
};

/**
 * Classifies one `/v1/models` entry: known embedding models with their sizes, configured or
 * "rerank"-named models as rerank models, other "embed"-named ones as embedding models whose size
 * is probed, everything else an LLM (with a NIM's `max_model_len` as context length).
 */
export function classifyNVIDIAModel(model: UpstreamModel, rerankModels: ReadonlySet<string>): DiscoveredModel {
  const base = classifyOpenAIModel(model, nvidiaEmbeddingModels);
  if (base.model_type === 'embedding') return base;
  const id = model.id.toLowerCase();
  if (rerankModels.has(model.id) || id.includes('rerank')) return { provider_resource_id: model.id, model_type: 'rerank', metadata: {} };
  if (id.includes('embed')) return { ...base, model_type: 'embedding' };
  return base;
}
