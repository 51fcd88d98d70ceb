import { defineProvider } from '@stack/core';
import type { InferenceProvider } from '@stack/inference-api';
import { openaiConfigSchema, openaiProviderDataSchema } from './openai-config.js';
import { createOpenAIInferenceProvider } from './openai-provider.js';

export const providerSpec = defineProvider({
  api: 'inference',
  providerType: 'remote::openai',
  description: "OpenAI's API, or any service that copies it at `base_url`.",
  configSchema: openaiConfigSchema,
  providerDataSchema: openaiProviderDataSchema,
  create(config, deps): InferenceProvider {
    return createOpenAIInferenceProvider(config, { providerId: deps.providerId, logger: deps.logger });
  },
});

export { openaiConfigSchema, openaiProviderDataSchema, type OpenAIConfig } from './openai-config.js';
export {
  adaptOpenAIRequest,
  createOpenAIInferenceProvider,
  openaiEmbeddingModels,
  type OpenAIProviderOptions,
} from './openai-provider.js';
