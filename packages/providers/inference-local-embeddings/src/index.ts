import { defineProvider } from '@stack/core';
import type { InferenceProvider } from '@stack/inference-api';
import { localEmbeddingsConfigSchema } from './local-embeddings-config.js';
import { createLocalEmbeddingsInferenceProvider } from './local-embeddings-provider.js';

export const providerSpec = defineProvider({
  api: 'inference',
  providerType: 'inline::local-embeddings',
  description: 'Sentence embeddings and reranking in process (Universal Sentence Encoder, TensorFlow.js): no network, no model server.',
  configSchema: localEmbeddingsConfigSchema,
  create(config, deps): InferenceProvider {
    return createLocalEmbeddingsInferenceProvider(config, { providerId: deps.providerId, logger: deps.logger });
  },
});

export { cosineSimilarity, decodeEmbeddingBase64, encodeEmbeddingBase64 } from './embedding-math.js';
export { localEmbeddingsConfigSchema, type LocalEmbeddingsConfig } from './local-embeddings-config.js';
export { localEmbeddingModelId, localEmbeddingsModels, localRerankModelId } from './local-embeddings-models.js';
export {
  createLocalEmbeddingsInferenceProvider,
  type LocalEmbeddingsProvider,
  type LocalEmbeddingsProviderOptions,
} from './local-embeddings-provider.js';
export {
  loadUniversalSentenceEncoder,
  universalSentenceEncoderDimensions,
  type SentenceEncoder,
  type SentenceEncoderLoader,
} from './sentence-encoder.js';
