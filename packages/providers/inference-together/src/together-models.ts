import type { DiscoveredModel } from '@stack/inference-api';
import type { EmbeddingModelInfo } from '@stack/openai-compatible';

/** Together's serverless embedding models and their output sizes (as the reference lists them). */
export const togetherEmbeddingModels: Record<string, EmbeddingModelInfo> = {
  'togethercomputer/m2-bert-80M-32k-retrieval': { embedding_dimension: 768, context_length: 32768 },
  'BAAI/bge-large-en-v1.5': { embedding_dimension: 1024, context_length: 512 },
  'BAAI/bge-base-en-v1.5': { embedding_dimension: 768, context_length: 512 },
  'Alibaba-NLP/gte-modernbert-base': { embedding_dimension: 768, context_length: 8192 },
  'intfloat/multilingual-e5-large-instruct': { embedding_dimension: 1024, context_length: 512 },
};

/** The `type` values of Together's model catalogue that the chat and completion APIs serve. */
const languageTypes = new Set(['chat', 'language', 'code']);

/**
 * Classifies one entry of Together's `GET /models`. Its `type` names the model's task; image,
 * audio, moderation and rerank models are left out, since this provider cannot call them.
 */
export function classifyTogetherModel(entry: unknown): DiscoveredModel | undefined {
  if (typeof entry !== 'object' || entry === null) return undefined;
  const record = entry as Record<string, unknown>;
  if (typeof record.id !== 'string' || record.id.length === 0) return undefined;
  const id = record.id;
  const contextLength = typeof record.context_length === 'number' && record.context_length > 0 ? record.context_length : undefined;
  if (record.type === 'embedding') {
    const known = Object.hasOwn(togetherEmbeddingModels, id) ? togetherEmbeddingModels[id] : undefined;
    // Unknown embedding models get their dimension probed by the core.
    return {
      provider_resource_id: id,
      model_type: 'embedding',
      metadata: known ? { ...known } : contextLength === undefined ? {} : { context_length: contextLength },
    };
  }
  if (typeof record.type === 'string' && !languageTypes.has(record.type)) return undefined;
  return { provider_resource_id: id, model_type: 'llm', metadata: contextLength === undefined ? {} : { context_length: contextLength } };
}

/** Together answers `GET /models` with a bare array rather than OpenAI's `{"data": [...]}`; both are read. */
export function togetherModelEntries(body: unknown): unknown[] {
  if (Array.isArray(body)) return body;
  const data = (body as { data?: unknown } | null)?.data;
  return Array.isArray(data) ? data : [];
}
