import { InvalidRequestError, type Logger } from '@stack/core';
import type { DiscoveredModel } from '@stack/inference-api';
import {
  createOpenAICompatibleProvider,
  type EmbeddingModelInfo,
  type FetchFunction,
  type OpenAICompatibleProvider,
  type UpstreamModel,
  type UpstreamOperation,
} from '@stack/openai-compatible';
import type { AzureConfig } from './azure-config.js';
import { azureRoute, createAzureFetch, type AzureRoute } from './azure-routing.js';

export interface AzureProviderOptions {
  /** The `provider_id`, for messages (default `azure`). */
  providerId?: string;
  logger?: Logger;
  /** Replaces the network layer under the Azure rewriting (tests, proxies). */
  fetch?: FetchFunction;
}

/** Azure OpenAI's embedding models and their default output sizes. */
export const azureEmbeddingModels: Record<string, EmbeddingModelInfo> = {
  'text-embedding-3-small': { embedding_dimension: 1536, context_length: 8192 },
  'text-embedding-3-large': { embedding_dimension: 3072, context_length: 8192 },
  'text-embedding-ada-002': { embedding_dimension: 1536, context_length: 8192 },
};

interface AzureModelCapabilities {
  inference?: boolean;
  chat_completion?: boolean;
  completion?: boolean;
  embeddings?: boolean;
}

/**
 * Azure's `/models` entries carry `capabilities`: models that only fine-tune, or that serve
 * neither chat, completions nor embeddings (speech, images), are left out; embedding models get
 * their known dimensions. Entries without capabilities are judged by name.
 */
export function classifyAzureModel(model: UpstreamModel): DiscoveredModel | undefined {
  const capabilities = (model.capabilities ?? undefined) as AzureModelCapabilities | undefined;
  const known = Object.hasOwn(azureEmbeddingModels, model.id) ? azureEmbeddingModels[model.id] : undefined;
  if (capabilities) {
    if (capabilities.inference === false) return undefined;
    if (capabilities.embeddings) return { provider_resource_id: model.id, model_type: 'embedding', metadata: { ...known } };
    if (!capabilities.chat_completion && !capabilities.completion) return undefined;
    return { provider_resource_id: model.id, model_type: 'llm', metadata: {} };
  }
  if (known || model.id.includes('embedding')) return { provider_resource_id: model.id, model_type: 'embedding', metadata: { ...known } };
  return { provider_resource_id: model.id, model_type: 'llm', metadata: {} };
}

/**
 * Azure's reasoning models reject `max_tokens` in chat; `max_completion_tokens` means the same
 * and every current API version accepts it. Dated versions before 2024-09-01 predate it.
 */
export function createAzureRequestAdapter(route: AzureRoute) {
  const renames = route.layout === 'v1' || (route.apiVersion ?? '') >= '2024-09-01';
  return (request: Record<string, unknown>, operation: UpstreamOperation): Record<string, unknown> => {
    if (!renames || operation !== 'chat' || request.max_tokens == null) return request;
    const { max_tokens: maxTokens, ...rest } = request;
    return rest.max_completion_tokens == null ? { ...rest, max_completion_tokens: maxTokens } : rest;
  };
}

/**
 * An Azure OpenAI (or Azure AI Foundry) resource. The `model` of a request is the deployment name.
 * The layout follows `api_version`: the v1 API by default (as the reference), the deployment API
 * with `?api-version=` for a dated version.
 */
export function createAzureInferenceProvider(config: AzureConfig, options: AzureProviderOptions = {}): OpenAICompatibleProvider {
  const name = `Azure OpenAI provider '${options.providerId ?? 'azure'}'`;
  if (!config.api_base) {
    throw new InvalidRequestError(
      `${name}: no endpoint is configured. Set AZURE_API_BASE, or \`api_base\` in the provider's config, to the resource's endpoint (e.g. https://my-resource.openai.azure.com).`,
      { code: 'invalid_config', param: 'api_base' },
    );
  }
  const route = azureRoute(config.api_base, config.api_version);
  return createOpenAICompatibleProvider({
    name,
    baseURL: `${route.root}/openai/v1`,
    apiKey: () => config.api_key,
    requireApiKey: true,
    providerDataApiKeyField: 'azure_api_key',
    classifyModel: classifyAzureModel,
    adaptRequest: createAzureRequestAdapter(route),
    fetch: createAzureFetch(route, options.fetch),
    logger: options.logger,
  });
}
