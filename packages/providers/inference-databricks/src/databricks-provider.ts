import { InvalidRequestError, type Logger, type RequestContext } from '@stack/core';
import { createOpenAICompatibleProvider, type FetchFunction, type OpenAICompatibleProvider, type OpenAICompatibleUpstream } from '@stack/openai-compatible';
import type { DatabricksConfig } from './databricks-config.js';
import { classifyDatabricksEndpoint, type DatabricksServingEndpoint } from './databricks-models.js';

export interface DatabricksProviderOptions {
  /** The `provider_id`, for messages (default `databricks`). */
  providerId?: string;
  logger?: Logger;
  /** Replaces the network layer (tests, proxies). */
  fetch?: FetchFunction;
}

const servingPath = '/serving-endpoints';

/**
 * The workspace origin, from either form users write: the workspace URL (reference run configs)
 * or its `/serving-endpoints` OpenAI base (newer reference configs).
 */
export function databricksWorkspaceURL(url: string): string {
  const trimmed = url.replace(/\/+$/, '');
  return trimmed.endsWith(servingPath) ? trimmed.slice(0, -servingPath.length) : trimmed;
}

async function listServingEndpoints(upstream: OpenAICompatibleUpstream, workspace: string, context?: RequestContext, timeoutMs?: number) {
  // The REST API sits beside the OpenAI-compatible base, so it is called by absolute URL.
  const body = await upstream.get<{ endpoints?: DatabricksServingEndpoint[] }>(`${workspace}/api/2.0/serving-endpoints`, { context, timeoutMs });
  return Array.isArray(body?.endpoints) ? body.endpoints : [];
}

/** Databricks Model Serving through its OpenAI-compatible `/serving-endpoints` API. */
export function createDatabricksInferenceProvider(config: DatabricksConfig, options: DatabricksProviderOptions = {}): OpenAICompatibleProvider {
  const name = `Databricks provider '${options.providerId ?? 'databricks'}'`;
  if (!config.url) {
    throw new InvalidRequestError(
      `${name}: no workspace URL is configured. Set \`url\` in the provider's config (e.g. DATABRICKS_HOST=https://dbc-1234abcd-5678.cloud.databricks.com).`,
      { code: 'invalid_config', param: 'url' },
    );
  }
  const workspace = databricksWorkspaceURL(config.url);
  return createOpenAICompatibleProvider({
    name,
    baseURL: `${workspace}${servingPath}`,
    apiKey: () => config.api_token,
    requireApiKey: true,
    providerDataApiKeyField: 'databricks_api_token',
    async listModels(upstream, context) {
      return (await listServingEndpoints(upstream, workspace, context)).flatMap((endpoint) => classifyDatabricksEndpoint(endpoint) ?? []);
    },
    probeEmbeddingDimensions: true,
    // The OpenAI-compatible base has no `/models`; the endpoint listing shows the token works.
    async health(upstream, { timeoutMs }) {
      await listServingEndpoints(upstream, workspace, undefined, timeoutMs);
    },
    fetch: options.fetch,
    logger: options.logger,
  });
}
