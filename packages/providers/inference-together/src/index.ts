import { defineProvider } from '@stack/core';
import type { InferenceProvider } from '@stack/inference-api';
import { togetherConfigSchema, togetherProviderDataSchema } from './together-config.js';
import { createTogetherInferenceProvider } from './together-provider.js';

export const providerSpec = defineProvider({
  api: 'inference',
  providerType: 'remote::together',
  description: "Together AI's serverless open models through its OpenAI-compatible API.",
  configSchema: togetherConfigSchema,
  providerDataSchema: togetherProviderDataSchema,
  create(config, deps): InferenceProvider {
    return createTogetherInferenceProvider(config, { providerId: deps.providerId, logger: deps.logger });
  },
});

export { togetherConfigSchema, togetherProviderDataSchema, type TogetherConfig } from './together-config.js';
export { classifyTogetherModel, togetherEmbeddingModels } from './together-models.js';
export { createTogetherInferenceProvider, type TogetherProviderOptions } from './together-provider.js';
