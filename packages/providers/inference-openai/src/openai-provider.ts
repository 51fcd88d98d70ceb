import type { Logger } from '@stack/core';
import {
  createOpenAICompatibleProvider,
  type EmbeddingModelInfo,
  type FetchFunction,
  type OpenAICompatibleProvider,
} from '@stack/openai-compatible';
import type { OpenAIConfig } from './openai-config.js';

/** OpenAI's embedding models and their default output sizes. */
export const openaiEmbeddingModels: Record<string, EmbeddingModelInfo> = {
  'text-embedding-3-small': { embedding_dimension: 1536, context_length: 8192 },
  'text-embedding-3-large': { embedding_dimension: 3072, context_length: 8192 },
  'text-embedding-ada-002': { embedding_dimension: 1536, context_length: 8192 },
};

export interface OpenAIProviderOptions {
  /** The `provider_id`, for messages (default `openai`). */
  providerId?: string;
  logger?: Logger;
  /** Replaces the network layer (tests, proxies). */
  fetch?: FetchFunction;
}

/**
 * OpenAI's chat API deprecated `max_tokens` for `max_completion_tokens`, and its reasoning models
 * (o-series, gpt-5) reject the old name; the two mean the same for chat, so it is renamed.
 */
export function adaptOpenAIRequest(request: Record<string, unknown>, operation: string): Record<string, unknown> {
  if (operation !== 'chat' || request.max_tokens == null) return request;
  const { max_tokens: maxTokens, ...rest } = request;
  return rest.max_completion_tokens == null ? { ...rest, max_completion_tokens: maxTokens } : rest;
}

/** OpenAI's API (or a service that copies it at `base_url`). */
export function createOpenAIInferenceProvider(config: OpenAIConfig, options: OpenAIProviderOptions = {}): OpenAICompatibleProvider {
  return createOpenAICompatibleProvider({
    name: `OpenAI provider '${options.providerId ?? 'openai'}'`,
    baseURL: config.base_url,
    apiKey: () => config.api_key,
    requireApiKey: true,
    providerDataApiKeyField: 'openai_api_key',
    embeddingModels: openaiEmbeddingModels,
    adaptRequest: adaptOpenAIRequest,
    fetch: options.fetch,
    logger: options.logger,
  });
}
