import { defineProvider } from '@stack/core';
import type { InferenceProvider } from '@stack/inference-api';
import { fireworksConfigSchema, fireworksProviderDataSchema } from './fireworks-config.js';
import { createFireworksInferenceProvider } from './fireworks-provider.js';

export const providerSpec = defineProvider({
  api: 'inference',
  providerType: 'remote::fireworks',
  description: "Fireworks AI's serverless models through its OpenAI-compatible API.",
  configSchema: fireworksConfigSchema,
  providerDataSchema: fireworksProviderDataSchema,
  create(config, deps): InferenceProvider {
    return createFireworksInferenceProvider(config, { providerId: deps.providerId, logger: deps.logger });
  },
});

export { fireworksConfigSchema, fireworksProviderDataSchema, type FireworksConfig } from './fireworks-config.js';
export { classifyFireworksModel, fireworksEmbeddingModels } from './fireworks-models.js';
export { createFireworksInferenceProvider, type FireworksProviderOptions } from './fireworks-provider.js';
