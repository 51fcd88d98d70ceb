
import type { InferenceProvider } from '@stack/inference-api';
import { describeInferenceProviderConformance } from '@stack/inference-api/testing';
import { localEmbeddingModelId, localRerankModelId, providerSpec } from './index.js';
import { providerTestDependencies } from '@stack/core/testing';

describeInferenceProviderConformance({
  name: 'inline::local-embeddings',
  setup: async () => ({
    provider: (await providerSpec.create(providerSpec.configSchema.parse({}), providerTestDependencies('local-embeddings'))) as InferenceProvider,
    embeddingModel: localEmbeddingModelId,
    embeddingDimension: 512,
    rerankModel: localRerankModelId,
  }),
});
