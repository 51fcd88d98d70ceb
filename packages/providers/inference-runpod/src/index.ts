import { defineProvider } from '@stack/core';
import type { InferenceProvider } from '@stack/inference-api';
import { runpodConfigSchema, runpodProviderDataSchema } from './runpod-config.js';
import { createRunpodInferenceProvider } from './runpod-provider.js';

export const providerSpec = defineProvider({
  api: 'inference',
  providerType: 'remote::runpod',
  description: 'A RunPod serverless endpoint (vLLM worker) through its OpenAI-compatible API.',
  configSchema: runpodConfigSchema,
  providerDataSchema: runpodProviderDataSchema,
  create(config, deps): InferenceProvider {
    return createRunpodInferenceProvider(config, { providerId: deps.providerId, logger: deps.logger });
  },
});

export { runpodConfigSchema, runpodProviderDataSchema, type RunpodConfig } from './runpod-config.js';
export {
  adaptRunpodRequest,
  classifyRunpodModel,
  createRunpodInferenceProvider,
  type RunpodProviderOptions,
} from './runpod-provider.js';
