import { defineProvider } from '@stack/core';
import { hfEndpointConfigSchema, hfServerlessConfigSchema } from './huggingface-config.js';
import { createHFEndpointInferenceProvider, createHFServerlessInferenceProvider, type HuggingFaceInferenceProvider } from './huggingface-provider.js';

export const serverlessProviderSpec = defineProvider({
  api: 'inference',
  providerType: 'remote::hf::serverless',
  description: "One Hugging Face Hub model through Hugging Face's OpenAI-compatible Inference Providers router.",
  configSchema: hfServerlessConfigSchema,
  create(config, deps): HuggingFaceInferenceProvider {
    return createHFServerlessInferenceProvider(config, { providerId: deps.providerId, logger: deps.logger });
  },
});

export const endpointProviderSpec = defineProvider({
  api: 'inference',
  providerType: 'remote::hf::endpoint',
  description: 'A dedicated Hugging Face Inference Endpoint running Text Generation Inference.',
  configSchema: hfEndpointConfigSchema,
  create(config, deps): HuggingFaceInferenceProvider {
    return createHFEndpointInferenceProvider(config, { providerId: deps.providerId, logger: deps.logger });
  },
});

/** Both specs, for hosts that register a package's providers in one go. */
export const providerSpecs = [serverlessProviderSpec, endpointProviderSpec] as const;

export {
  hfEndpointConfigSchema,
  hfServerlessConfigSchema,
  type HFEndpointConfig,
  type HFServerlessConfig,
} from './huggingface-config.js';
export {
  defaultHuggingFaceURLs,
  resolveInferenceEndpoint,
  type HuggingFaceURLs,
  type InferenceEndpointDescription,
  type ResolvedEndpoint,
} from './huggingface-hub.js';
export {
  createHFEndpointInferenceProvider,
  createHFServerlessInferenceProvider,
  type HuggingFaceInferenceProvider,
  type HuggingFaceProviderOptions,
} from './huggingface-provider.js';
