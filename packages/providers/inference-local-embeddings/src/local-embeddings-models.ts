import type { DiscoveredModel } from '@stack/inference-api';
import { universalSentenceEncoderDimensions } from './sentence-encoder.js';

/** The embedding model, served through `embeddings()`. */
export const localEmbeddingModelId = 'universal-sentence-encoder';

/** The same encoder used as a bi-encoder reranker, served through `rerank()`. */
export const localRerankModelId = 'universal-sentence-encoder-rerank';

/** What `listModels()` reports: both models, the embedding one with its width. */
export function localEmbeddingsModels(): DiscoveredModel[] {
  return [
    {
      provider_resource_id: localEmbeddingModelId,
      model_type: 'embedding',
      metadata: { embedding_dimension: universalSentenceEncoderDimensions },
    },
    { provider_resource_id: localRerankModelId, model_type: 'rerank', metadata: {} },
  ];
}
