import { defineProvider } from '@stack/core';
import type { InferenceProvider } from '@stack/inference-api';
import { ollamaConfigSchema } from './ollama-config.js';
import { createOllamaInferenceProvider } from './ollama-provider.js';

export const providerSpec = defineProvider({
  api: 'inference',
  providerType: 'remote::ollama',
  description: 'A local Ollama server: inference through its OpenAI-compatible API, models through its native API.',
  configSchema: ollamaConfigSchema,
  create(config, deps): InferenceProvider {
    return createOllamaInferenceProvider(config, { providerId: deps.providerId, logger: deps.logger });
  },
});

export { ollamaConfigSchema, type OllamaConfig } from './ollama-config.js';
export {
  classifyOllamaModel,
  classifyOllamaModelByName,
  ollamaEmbeddingModels,
  type OllamaShowResponse,
} from './ollama-models.js';
export { createOllamaInferenceProvider, type OllamaProviderOptions } from './ollama-provider.js';
