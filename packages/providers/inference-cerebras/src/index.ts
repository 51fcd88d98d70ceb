import { defineProvider } from '@stack/core';
import type { InferenceProvider } from '@stack/inference-api';
import { cerebrasConfigSchema, cerebrasProviderDataSchema } from './cerebras-config.js';
import { createCerebrasInferenceProvider } from './cerebras-provider.js';

export const providerSpec = defineProvider({
  api: 'inference',
  providerType: 'remote::cerebras',
  description: 'Cerebras Inference through its OpenAI-compatible API (chat and completions).',
  configSchema: cerebrasConfigSchema,
  providerDataSchema: cerebrasProviderDataSchema,
  create(config, deps): InferenceProvider {
    return createCerebrasInferenceProvider(config, { providerId: deps.providerId, logger: deps.logger });
  },
});

export { cerebrasConfigSchema, cerebrasProviderDataSchema, type CerebrasConfig } from './cerebras-config.js';
export { adaptCerebrasRequest, cerebrasBaseURL, createCerebrasInferenceProvider, type CerebrasProviderOptions } from './cerebras-provider.js';
