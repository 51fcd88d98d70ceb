import { InvalidRequestError, UnsupportedError, type Logger } from '@stack/core';
import { createOpenAICompatibleProvider, type FetchFunction, type OpenAICompatibleProvider } from '@stack/openai-compatible';
import type { GroqConfig } from './groq-config.js';
import { classifyGroqModel } from './groq-models.js';

export interface GroqProviderOptions {
  /** The `provider_id`, for messages (default `groq`). */
  providerId?: string;
  logger?: Logger;
  /** Replaces the network layer (tests, proxies). */
  fetch?: FetchFunction;
}

/** Where Groq's OpenAI-compatible API lives below the configured origin. */
export function groqBaseURL(url: string): string {
  const origin = url.replace(/\/+$/, '');
  // A URL that already names the OpenAI path (as newer reference configs do) is used as it is.
  return origin.endsWith('/openai/v1') ? origin : `${origin}/openai/v1`;
}

/** Chat fields Groq refuses with a 400; a caller who asks for them must hear so. */
const rejectedChatFields = ['logprobs', 'top_logprobs', 'logit_bias'] as const;
/** OpenAI platform features Groq refuses although they change nothing about the answer. */
const droppedChatFields = ['store', 'prompt_cache_key'] as const;

/**
 * Fits a chat request to Groq: OpenAI-only bookkeeping fields are dropped, as is the per-message
 * `name` Groq does not accept; log probabilities, logit bias and `n > 1` are refused up front.
 */
export function adaptGroqRequest(name: string, request: Record<string, unknown>, operation: string): Record<string, unknown> {
  if (operation !== 'chat') return request;
  for (const field of rejectedChatFields) {
    const value = request[field];
    if (value != null && value !== false) {
      throw new InvalidRequestError(`${name}: Groq does not support \`${field}\`.`, { code: 'unsupported_parameter', param: field });
    }
  }
  if (typeof request.n === 'number' && request.n !== 1) {
    throw new InvalidRequestError(`${name}: Groq answers with one choice only; \`n\` must be 1.`, { code: 'unsupported_parameter', param: 'n' });
  }
  const adapted: Record<string, unknown> = { ...request };
  for (const field of [...rejectedChatFields, ...droppedChatFields]) delete adapted[field];
  if (Array.isArray(adapted.messages)) {
    adapted.messages = adapted.messages.map((message: unknown) => {
      if (typeof message !== 'object' || message === null || !('name' in message)) return message;
      const { name: _name, ...rest } = message as Record<string, unknown>;
      return rest;
    });
  }
  return adapted;
}

/** GroqCloud through its OpenAI-compatible API: chat only (no text completions, no embeddings). */
export function createGroqInferenceProvider(config: GroqConfig, options: GroqProviderOptions = {}): OpenAICompatibleProvider {
  const name = `Groq provider '${options.providerId ?? 'groq'}'`;
  const core = createOpenAICompatibleProvider({
    name,
    baseURL: groqBaseURL(config.url),
    apiKey: () => config.api_key,
    requireApiKey: true,
    providerDataApiKeyField: 'groq_api_key',
    classifyModel: classifyGroqModel,
    adaptRequest: (request, operation) => adaptGroqRequest(name, request, operation),
    fetch: options.fetch,
    logger: options.logger,
  });
  return {
    ...core,
    async completion() {
      throw new UnsupportedError(`${name}: Groq has no text completions endpoint; use chat completions.`, { code: 'unsupported_operation' });
    },
    async embeddings() {
      throw new UnsupportedError(`${name}: Groq serves no embedding models.`, { code: 'unsupported_operation' });
    },
  };
}
