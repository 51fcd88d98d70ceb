import { defineProvider } from '@stack/core';
import type { InferenceProvider } from '@stack/inference-api';
import { anthropicConfigSchema, anthropicProviderDataSchema } from './anthropic-config.js';
import { createAnthropicInferenceProvider } from './anthropic-provider.js';

export const providerSpec = defineProvider({
  api: 'inference',
  providerType: 'remote::anthropic',
  description: "Anthropic's Claude models through Anthropic's OpenAI-compatible API.",
  configSchema: anthropicConfigSchema,
  providerDataSchema: anthropicProviderDataSchema,
  create(config, deps): InferenceProvider {
    return createAnthropicInferenceProvider(config, { providerId: deps.providerId, logger: deps.logger });
  },
});

export { anthropicConfigSchema, anthropicProviderDataSchema, type AnthropicConfig } from './anthropic-config.js';
export {
  adaptAnthropicRequest,
  anthropicBaseURL,
  anthropicVersion,
  createAnthropicFetch,
  createAnthropicInferenceProvider,
  listAnthropicModels,
  type AnthropicProviderOptions,
} from './anthropic-provider.js';
