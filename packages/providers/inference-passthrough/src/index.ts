import { defineProvider } from '@stack/core';
import { passthroughConfigSchema, passthroughProviderDataSchema } from './passthrough-config.js';
import { createPassthroughInferenceProvider, type PassthroughInferenceProvider } from './passthrough-provider.js';

export const providerSpec = defineProvider({
  api: 'inference',
  providerType: 'remote::passthrough',
  description: 'Forwards inference to another Llama Stack server through its OpenAI-compatible API.',
  configSchema: passthroughConfigSchema,
  providerDataSchema: passthroughProviderDataSchema,
  create(config, deps): PassthroughInferenceProvider {
    return createPassthroughInferenceProvider(config, { providerId: deps.providerId, logger: deps.logger });
  },
});

export { passthroughConfigSchema, passthroughProviderDataSchema, type PassthroughConfig } from './passthrough-config.js';
export { classifyLlamaStackModel } from './passthrough-models.js';
export {
  createPassthroughInferenceProvider,
  type PassthroughInferenceProvider,
  type PassthroughProviderOptions,
} from './passthrough-provider.js';
