import { defineProvider } from '@stack/core';
import type { InferenceProvider } from '@stack/inference-api';
import { groqConfigSchema, groqProviderDataSchema } from './groq-config.js';
import { createGroqInferenceProvider } from './groq-provider.js';

export const providerSpec = defineProvider({
  api: 'inference',
  providerType: 'remote::groq',
  description: "GroqCloud's LPU-hosted models through its OpenAI-compatible API (chat only).",
  configSchema: groqConfigSchema,
  providerDataSchema: groqProviderDataSchema,
  create(config, deps): InferenceProvider {
    return createGroqInferenceProvider(config, { providerId: deps.providerId, logger: deps.logger });
  },
});

export { groqConfigSchema, groqProviderDataSchema, type GroqConfig } from './groq-config.js';
export { classifyGroqModel } from './groq-models.js';
export { adaptGroqRequest, createGroqInferenceProvider, groqBaseURL, type GroqProviderOptions } from './groq-provider.js';
