import { defineProvider } from '@stack/core';
import type { InferenceProvider } from '@stack/inference-api';
import { geminiConfigSchema, geminiProviderDataSchema } from './gemini-config.js';
import { createGeminiInferenceProvider } from './gemini-provider.js';

export const providerSpec = defineProvider({
  api: 'inference',
  providerType: 'remote::gemini',
  description: "Google's Gemini models through the Gemini API's OpenAI-compatible endpoint.",
  configSchema: geminiConfigSchema,
  providerDataSchema: geminiProviderDataSchema,
  create(config, deps): InferenceProvider {
    return createGeminiInferenceProvider(config, { providerId: deps.providerId, logger: deps.logger });
  },
});

export { geminiConfigSchema, geminiProviderDataSchema, type GeminiConfig } from './gemini-config.js';
export {
  classifyGeminiModel,
  createGeminiInferenceProvider,
  geminiBaseURL,
  geminiEmbeddingModels,
  type GeminiProviderOptions,
} from './gemini-provider.js';
