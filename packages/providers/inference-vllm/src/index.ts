import { defineProvider } from '@stack/core';
import type { InferenceProvider } from '@stack/inference-api';
import { vllmConfigSchema, vllmProviderDataSchema } from './vllm-config.js';
import { createVLLMInferenceProvider } from './vllm-provider.js';

export const providerSpec = defineProvider({
  api: 'inference',
  providerType: 'remote::vllm',
  description: 'A vLLM server through its OpenAI-compatible API.',
  configSchema: vllmConfigSchema,
  providerDataSchema: vllmProviderDataSchema,
  create(config, deps): InferenceProvider {
    return createVLLMInferenceProvider(config, { providerId: deps.providerId, logger: deps.logger });
  },
});

export { vllmConfigSchema, vllmProviderDataSchema, type VLLMConfig } from './vllm-config.js';
export { classifyVLLMModel, vllmEmbeddingModels } from './vllm-models.js';
export { createVLLMInferenceProvider, type VLLMProviderOptions } from './vllm-provider.js';
