import { defineProvider } from '@stack/core';
import type { InferenceProvider } from '@stack/inference-api';
import { llamaConfigSchema, llamaProviderDataSchema } from './llama-config.js';
import { createLlamaInferenceProvider } from './llama-provider.js';

export const providerSpec = defineProvider({
  api: 'inference',
  providerType: 'remote::llama-openai-compat',
  description: "Meta's Llama API through its OpenAI-compatible endpoint (chat completions).",
  configSchema: llamaConfigSchema,
  providerDataSchema: llamaProviderDataSchema,
  create(config, deps): InferenceProvider {
    return createLlamaInferenceProvider(config, { providerId: deps.providerId, logger: deps.logger });
  },
});

export { llamaAPIDefaultBaseURL, llamaConfigSchema, llamaProviderDataSchema, type LlamaConfig } from './llama-config.js';
export {
  adaptLlamaRequest,
  createLlamaInferenceProvider,
  llamaUnsupportedChatParameters,
  type LlamaProviderOptions,
} from './llama-provider.js';
