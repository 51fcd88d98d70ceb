import { defineProvider } from '@stack/core';
import type { InferenceProvider } from '@stack/inference-api';
import { databricksConfigSchema, databricksProviderDataSchema } from './databricks-config.js';
import { createDatabricksInferenceProvider } from './databricks-provider.js';

export const providerSpec = defineProvider({
  api: 'inference',
  providerType: 'remote::databricks',
  description: "Databricks Model Serving endpoints through the workspace's OpenAI-compatible API.",
  configSchema: databricksConfigSchema,
  providerDataSchema: databricksProviderDataSchema,
  create(config, deps): InferenceProvider {
    return createDatabricksInferenceProvider(config, { providerId: deps.providerId, logger: deps.logger });
  },
});

export { databricksConfigSchema, databricksProviderDataSchema, type DatabricksConfig } from './databricks-config.js';
export { classifyDatabricksEndpoint, databricksEmbeddingModels, type DatabricksServingEndpoint } from './databricks-models.js';
export { createDatabricksInferenceProvider, databricksWorkspaceURL, type DatabricksProviderOptions } from './databricks-provider.js';
