import { defineProvider } from '@stack/core';
import type { InferenceProvider } from '@stack/inference-api';
import { sambanovaConfigSchema, sambanovaProviderDataSchema } from './sambanova-config.js';
import { createSambaNovaInferenceProvider } from './sambanova-provider.js';

export const providerSpec = defineProvider({
  api: 'inference',
  providerType: 'remote::sambanova',
  description: 'SambaNova Cloud through its OpenAI-compatible API.',
  configSchema: sambanovaConfigSchema,
  providerDataSchema: sambanovaProviderDataSchema,
  create(config, deps): InferenceProvider {
    return createSambaNovaInferenceProvider(config, { providerId: deps.providerId, logger: deps.logger });
  },
});

export { sambanovaConfigSchema, sambanovaProviderDataSchema, type SambaNovaConfig } from './sambanova-config.js';
export { classifySambaNovaModel, sambanovaEmbeddingModels } from './sambanova-models.js';
export { createSambaNovaInferenceProvider, type SambaNovaProviderOptions } from './sambanova-provider.js';
