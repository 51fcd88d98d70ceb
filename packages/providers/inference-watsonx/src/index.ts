import { defineProvider } from '@stack/core';
import type { InferenceProvider } from '@stack/inference-api';
import { watsonxConfigSchema, watsonxProviderDataSchema } from './watsonx-config.js';
import { createWatsonxInferenceProvider } from './watsonx-provider.js';

export const providerSpec = defineProvider({
  api: 'inference',
  providerType: 'remote::watsonx',
  description: "IBM watsonx.ai through its OpenAI-compatible /ml/v1 API, with IBM Cloud IAM tokens.",
  configSchema: watsonxConfigSchema,
  providerDataSchema: watsonxProviderDataSchema,
  create(config, deps): InferenceProvider {
    return createWatsonxInferenceProvider(config, { providerId: deps.providerId, logger: deps.logger });
  },
});

export { watsonxConfigSchema, watsonxProviderDataSchema, type WatsonxConfig } from './watsonx-config.js';
export {
  classifyWatsonxModel,
  createWatsonxFetch,
  createWatsonxInferenceProvider,
  watsonxApiVersion,
  type WatsonxInferenceProvider,
  type WatsonxProviderOptions,
} from './watsonx-provider.js';
export { createIbmIamTokenSource, ibmIamTokenURL, type IbmIamTokenSource, type IbmIamTokenSourceOptions } from './ibm-iam-tokens.js';
