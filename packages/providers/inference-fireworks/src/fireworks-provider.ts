import type { Logger } from '@stack/core';
import { createOpenAICompatibleProvider, type FetchFunction, type OpenAICompatibleProvider } from '@stack/openai-compatible';
import type { FireworksConfig } from './fireworks-config.js';
import { classifyFireworksModel } from './fireworks-models.js';

export interface FireworksProviderOptions {
  /** The `provider_id`, for messages (default `fireworks`). */
  providerId?: string;
  logger?: Logger;
  /** Replaces the network layer (tests, proxies). */
  fetch?: FetchFunction;
}

/**
 * Fireworks AI through its OpenAI-compatible API. Requests go out unchanged: Fireworks accepts
 * OpenAI's parameters and its own (`context_length_exceeded_behavior`, `prompt_truncate_len`, …).
 */
export function createFireworksInferenceProvider(config: FireworksConfig, options: FireworksProviderOptions = {}): OpenAICompatibleProvider {
  return createOpenAICompatibleProvider({
    name: `Fireworks provider '${options.providerId ?? 'fireworks'}'`,
    baseURL: config.url,
    apiKey: () => config.api_key,
    requireApiKey: true,
    providerDataApiKeyField: 'fireworks_api_key',
    classifyModel: classifyFireworksModel,
    probeEmbeddingDimensions: true,
    fetch: options.fetch,
    logger: options.logger,
  });
}
