import { defineProvider } from '@stack/core';
import type { InferenceProvider } from '@stack/inference-api';
import { tgiConfigSchema } from './tgi-config.js';
import { createTGIInferenceProvider } from './tgi-provider.js';

export const providerSpec = defineProvider({
  api: 'inference',
  providerType: 'remote::tgi',
  description: 'A Hugging Face Text Generation Inference server through its OpenAI-compatible API.',
  configSchema: tgiConfigSchema,
  create(config, deps): InferenceProvider {
    return createTGIInferenceProvider(config, { providerId: deps.providerId, logger: deps.logger });
  },
});

export { tgiConfigSchema, type TGIConfig } from './tgi-config.js';
export { createTGIInfoCache, tgiModelFromInfo, type TGIInfo } from './tgi-info.js';
export { createTGIInferenceProvider, type TGIProviderOptions } from './tgi-provider.js';
