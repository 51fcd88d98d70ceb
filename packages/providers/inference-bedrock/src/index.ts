import { defineProvider } from '@stack/core';
import type { InferenceProvider } from '@stack/inference-api';
import { bedrockConfigSchema, bedrockProviderDataSchema } from './bedrock-config.js';
import { createBedrockInferenceProvider } from './bedrock-provider.js';

export const providerSpec = defineProvider({
  api: 'inference',
  providerType: 'remote::bedrock',
  description: "Amazon Bedrock through its OpenAI-compatible Chat Completions endpoint, with a Bedrock API key.",
  configSchema: bedrockConfigSchema,
  providerDataSchema: bedrockProviderDataSchema,
  create(config, deps): InferenceProvider {
    return createBedrockInferenceProvider(config, { providerId: deps.providerId, logger: deps.logger });
  },
});

export { bedrockConfigSchema, bedrockProviderDataSchema, type BedrockConfig } from './bedrock-config.js';
export {
  bedrockBaseURL,
  createBedrockInferenceProvider,
  type BedrockInferenceProvider,
  type BedrockProviderOptions,
} from './bedrock-provider.js';
