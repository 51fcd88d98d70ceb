import { InvalidRequestError, UnsupportedError, type Logger } from '@stack/core';
import { createOpenAICompatibleProvider, type FetchFunction, type OpenAICompatibleProvider } from '@stack/openai-compatible';
import type { CerebrasConfig } from './cerebras-config.js';

export interface CerebrasProviderOptions {
  /** The `provider_id`, for messages (default `cerebras`). */
  providerId?: string;
  logger?: Logger;
  /** Replaces the network layer (tests, proxies). */
  fetch?: FetchFunction;
}

/**
 * The OpenAI base below `base_url`: `/v1` at the origin (`https://api.cerebras.ai` →
 * `https://api.cerebras.ai/v1`); a URL already ending in `/v1`, as newer reference configs
 * write it, is used as it is.
 */
export function cerebrasBaseURL(baseURL: string): string {
  const trimmed = baseURL.replace(/\/+$/, '');
  return trimmed.endsWith('/v1') ? trimmed : `${trimmed}/v1`;
}

/** OpenAI platform fields Cerebras answers with a 400 although they do not change the answer. */
const droppedFields = ['store', 'prompt_cache_key', 'service_tier', 'parallel_tool_calls'] as const;
/** Sampling controls Cerebras does not implement: harmless at their neutral value, refused otherwise. */
const penalties = ['frequency_penalty', 'presence_penalty'] as const;

/** Fits a chat or completion request to what Cerebras accepts. */
export function adaptCerebrasRequest(name: string, request: Record<string, unknown>, operation: string): Record<string, unknown> {
  if (operation === 'embeddings') return request;
  const adapted: Record<string, unknown> = { ...request };
  if (adapted.logit_bias != null) {
    throw new InvalidRequestError(`${name}: Cerebras does not support \`logit_bias\`.`, { code: 'unsupported_parameter', param: 'logit_bias' });
  }
  for (const field of penalties) {
    const value = adapted[field];
    if (value != null && value !== 0) {
      throw new InvalidRequestError(`${name}: Cerebras does not support \`${field}\`.`, { code: 'unsupported_parameter', param: field });
    }
    delete adapted[field];
  }
  for (const field of droppedFields) delete adapted[field];
  delete adapted.logit_bias;
  return adapted;
}

/** Cerebras Inference through its OpenAI-compatible API: chat and completions, no embeddings. */
export function createCerebrasInferenceProvider(config: CerebrasConfig, options: CerebrasProviderOptions = {}): OpenAICompatibleProvider {
  const name = `Cerebras provider '${options.providerId ?? 'cerebras'}'`;
  const core = createOpenAICompatibleProvider({
    name,
    baseURL: cerebrasBaseURL(config.base_url),
    apiKey: () => config.api_key,
    requireApiKey: true,
    providerDataApiKeyField: 'cerebras_api_key',
    adaptRequest: (request, operation) => adaptCerebrasRequest(name, request, operation),
    fetch: options.fetch,
    logger: options.logger,
  });
  return {
    ...core,
    async embeddings() {
      throw new UnsupportedError(`${name}: Cerebras serves no embedding models.`, { code: 'unsupported_operation' });
    },
  };
}
