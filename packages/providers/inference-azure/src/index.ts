import { defineProvider } from '@stack/core';
import type { InferenceProvider } from '@stack/inference-api';
import { azureConfigSchema, azureProviderDataSchema } from './azure-config.js';
import { createAzureInferenceProvider } from './azure-provider.js';

export const providerSpec = defineProvider({
  api: 'inference',
  providerType: 'remote::azure',
  description: 'An Azure OpenAI resource (v1 API, or deployment API with a dated api-version).',
  configSchema: azureConfigSchema,
  providerDataSchema: azureProviderDataSchema,
  create(config, deps): InferenceProvider {
    return createAzureInferenceProvider(config, { providerId: deps.providerId, logger: deps.logger });
  },
});

export { azureConfigSchema, azureProviderDataSchema, type AzureConfig } from './azure-config.js';
export {
  azureEmbeddingModels,
  classifyAzureModel,
  createAzureInferenceProvider,
  createAzureRequestAdapter,
  type AzureProviderOptions,
} from './azure-provider.js';
export { azureRoute, createAzureFetch, type AzureRoute } from './azure-routing.js';
