import { defineProvider } from '@stack/core';
import type { InferenceProvider } from '@stack/inference-api';
import { nvidiaConfigSchema, nvidiaProviderDataSchema } from './nvidia-config.js';
import { createNVIDIAInferenceProvider } from './nvidia-provider.js';

export const providerSpec = defineProvider({
  api: 'inference',
  providerType: 'remote::nvidia',
  description: "NVIDIA NIM, hosted or self-hosted: chat, completions, embeddings and reranking.",
  configSchema: nvidiaConfigSchema,
  providerDataSchema: nvidiaProviderDataSchema,
  create(config, deps): InferenceProvider {
    return createNVIDIAInferenceProvider(config, { providerId: deps.providerId, logger: deps.logger });
  },
});

export { defaultRerankModelURLs, nvidiaConfigSchema, nvidiaProviderDataSchema, type NVIDIAConfig } from './nvidia-config.js';
export { classifyNVIDIAModel, nvidiaEmbeddingModels } from './nvidia-models.js';
export {
  createNVIDIAInferenceProvider,
  isNVIDIAHosted,
  nvidiaBaseURL,
  withDefaultInputType,
  type NVIDIAInferenceProvider,
  type NVIDIAProviderOptions,
} from './nvidia-provider.js';
export { fromNVIDIARankingResponse, toNVIDIARankingRequest, type NVIDIARankingRequest, type NVIDIARankingResponse } from './nvidia-rerank.js';
