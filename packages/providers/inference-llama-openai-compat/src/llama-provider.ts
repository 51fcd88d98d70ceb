import { InvalidRequestError, UnsupportedError, type Logger } from '@stack/core';
import {
  createOpenAICompatibleProvider,
  type FetchFunction,
  type OpenAICompatibleProvider,
  type UpstreamOperation,
} from '@stack/openai-compatible';
import type { LlamaConfig } from './llama-config.js';

export interface LlamaProviderOptions {
  /** The `provider_id`, for messages (default `llama-openai-compat`). */
  providerId?: string;
  logger?: Logger;
  /** Replaces the network layer (tests, proxies). */
  fetch?: FetchFunction;
}

/**
 * OpenAI chat parameters Llama API's compatibility layer does not implement. OpenAI clients and
 * agents send several of them by default, so they are left out rather than failing the request.
 */
export const llamaUnsupportedChatParameters = [
  'frequency_penalty',
  'presence_penalty',
  'logit_bias',
  'logprobs',
  'top_logprobs',
  'n',
  'store',
  'metadata',
  'service_tier',
  'prediction',
  'audio',
  'modalities',
  'reasoning_effort',
  'web_search_options',
] as const;

/**
 * Shapes a chat request for Llama API: unsupported parameters are dropped, several choices
 * (`n` > 1) are refused because the caller would silently get one, and `response_format` is
 * limited to what the service honours (`json_schema`; `text` is its default anyway).
 */
export function adaptLlamaRequest(request: Record<string, unknown>, operation: UpstreamOperation): Record<string, unknown> {
  if (operation !== 'chat') return request;
  if (typeof request.n === 'number' && request.n > 1) {
    throw new InvalidRequestError('Llama API returns one choice per request; `n` greater than 1 is not supported.', { param: 'n' });
  }
  const adapted = { ...request };
  for (const parameter of llamaUnsupportedChatParameters) delete adapted[parameter];
  const format = (adapted.response_format as { type?: unknown } | null | undefined)?.type;
  if (format === 'text') delete adapted.response_format;
  else if (format === 'json_object') {
    throw new InvalidRequestError(
      'Llama API supports `response_format` of type `json_schema` only; describe the expected JSON with a schema instead of `json_object`.',
      { param: 'response_format' },
    );
  }
  return adapted;
}

/**
 * Meta's Llama API through its OpenAI-compatible `/compat/v1` routes. It offers chat
 * completions only: text completions and embeddings are refused before any call.
 */
export function createLlamaInferenceProvider(config: LlamaConfig, options: LlamaProviderOptions = {}): OpenAICompatibleProvider {
  const name = `Llama API provider '${options.providerId ?? 'llama-openai-compat'}'`;
  const base = createOpenAICompatibleProvider({
    name,
    baseURL: config.openai_compat_api_base,
    apiKey: () => config.api_key,
    requireApiKey: true,
    providerDataApiKeyField: 'llama_api_key',
    adaptRequest: adaptLlamaRequest,
    fetch: options.fetch,
    logger: options.logger,
  });
  return {
    ...base,
    completion() {
      return Promise.reject(
        new UnsupportedError(`${name}: Llama API does not offer text completions; use chat completions instead.`, { code: 'unsupported_operation' }),
      );
    },
    embeddings() {
      return Promise.reject(new UnsupportedError(`${name}: Llama API does not offer embeddings.`, { code: 'unsupported_operation' }));
    },
  };
}
