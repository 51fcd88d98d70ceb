import { silentLogger, type ProviderDependencies } from '@stack/core';
import type { InferenceProvider } from '@stack/inference-api';
import { describeInferenceProviderConformance } from '@stack/inference-api/testing';
import { localEmbeddingModelId, localRerankModelId, providerSpec } from './index.js';

describeInferenceProviderConformance({
  name: 'inline::local-embeddings',
  setup: async () => ({
    provider: (await providerSpec.create(providerSpec.configSchema.parse({}), { providerId: 'local-embeddings', logger: silentLogger } as ProviderDependencies)) as InferenceProvider,
    embeddingModel: localEmbeddingModelId,
    embeddingDimension: 512,
    rerankModel: localRerankModelId,
  }),
});
