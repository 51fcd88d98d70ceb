import { defineProvider } from '@stack/core';
import type { InferenceProvider } from '@stack/inference-api';
import { vertexAIConfigSchema, vertexAIProviderDataSchema } from './vertexai-config.js';
import { createVertexAIInferenceProvider } from './vertexai-provider.js';

export const providerSpec = defineProvider({
  api: 'inference',
  providerType: 'remote::vertexai',
  description: "Gemini on Google Cloud's Vertex AI through its OpenAI-compatible endpoint, with OAuth access tokens or Application Default Credentials.",
  configSchema: vertexAIConfigSchema,
  providerDataSchema: vertexAIProviderDataSchema,
  create(config, deps): InferenceProvider {
    return createVertexAIInferenceProvider(config, { providerId: deps.providerId, logger: deps.logger });
  },
});

export { vertexAIConfigSchema, vertexAIProviderDataSchema, type VertexAIConfig } from './vertexai-config.js';
export {
  createVertexAIInferenceProvider,
  vertexAIBaseURL,
  vertexAIChatModels,
  vertexAIEmbeddingModels,
  type VertexAIInferenceProvider,
  type VertexAIProviderOptions,
} from './vertexai-provider.js';
export {
  cloudPlatformScope,
  createGoogleAccessTokenSource,
  type GoogleAccessTokenSource,
  type GoogleAccessTokenSourceOptions,
} from './google-credentials.js';
