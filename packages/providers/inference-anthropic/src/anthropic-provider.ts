import { InvalidRequestError, UnsupportedError, type Logger } from '@stack/core';
import type { DiscoveredModel } from '@stack/inference-api';
import {
  createOpenAICompatibleProvider,
  type FetchFunction,
  type OpenAICompatibleProvider,
  type OpenAICompatibleUpstream,
} from '@stack/openai-compatible';
import type { RequestContext } from '@stack/core';
import type { AnthropicConfig } from './anthropic-config.js';

/** Anthropic's OpenAI-compatible endpoint; `/chat/completions` and the native `/models` live under it. */
export const anthropicBaseURL = 'https://api.anthropic.com/v1';

/** The API version the native endpoints require in `anthropic-version`. */
export const anthropicVersion = '2023-06-01';

/** Largest page `GET /v1/models` serves. */
const modelPageSize = 1000;

export interface AnthropicProviderOptions {
  /** The `provider_id`, for messages (default `anthropic`). */
  providerId?: string;
  logger?: Logger;
  /** Replaces the network layer (tests, proxies). */
  fetch?: FetchFunction;
  /** Replaces `https://api.anthropic.com/v1` (tests, gateways). */
  baseURL?: string;
}

/** One entry of Anthropic's `GET /v1/models`. */
interface AnthropicModel {
  id: string;
  type?: string;
  display_name?: string | null;
  created_at?: string | null;
}

interface AnthropicModelPage {
  data?: AnthropicModel[] | null;
  has_more?: boolean | null;
  last_id?: string | null;
}

/**
 * The OpenAI-compatible layer takes the key as a bearer token, but the native model listing
 * wants it in `x-api-key` with an `anthropic-version`; the key is moved only for that call.
 */
export function createAnthropicFetch(base: FetchFunction = (input, init) => globalThis.fetch(input, init)): FetchFunction {
  return (input, init) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    if (method !== 'GET' || !/\/models(\/|$)/.test(url.pathname)) return base(input, init);
    const headers = new Headers(init?.headers);
    const authorization = headers.get('authorization');
    headers.delete('authorization');
    if (authorization?.startsWith('Bearer ')) headers.set('x-api-key', authorization.slice('Bearer '.length));
    headers.set('anthropic-version', anthropicVersion);
    return base(input, { ...init, headers });
  };
}

/** Anthropic's models, all of them chat models; the listing is paged by `after_id`. */
export async function listAnthropicModels(upstream: OpenAICompatibleUpstream, context?: RequestContext): Promise<DiscoveredModel[]> {
  const models: DiscoveredModel[] = [];
  let after: string | undefined;
  for (;;) {
    const query = new URLSearchParams({ limit: String(modelPageSize) });
    if (after) query.set('after_id', after);
    const page = await upstream.get<AnthropicModelPage>(`/models?${query}`, { context });
    for (const model of page.data ?? []) {
      const metadata: Record<string, unknown> = {};
      if (model.display_name) metadata.display_name = model.display_name;
      if (model.created_at) metadata.created_at = model.created_at;
      models.push({ provider_resource_id: model.id, model_type: 'llm', metadata });
    }
    const next = page.last_id ?? page.data?.at(-1)?.id;
    // A page that claims more but names no cursor would loop forever.
    if (!page.has_more || !next || next === after) return models;
    after = next;
  }
}

/**
 * Anthropic's compatibility layer answers exactly one choice; it would fail `n > 1` after the
 * network round trip, so the request is refused here with a message that says why.
 */
export function adaptAnthropicRequest(request: Record<string, unknown>, operation: string): Record<string, unknown> {
  if (operation === 'chat' && typeof request.n === 'number' && request.n > 1) {
    throw new InvalidRequestError('Anthropic answers exactly one choice per request; n must be 1.', { param: 'n', code: 'unsupported_value' });
  }
  return request;
}

/** Claude through Anthropic's OpenAI-compatible endpoint: chat only, no completions or embeddings. */
export function createAnthropicInferenceProvider(config: AnthropicConfig, options: AnthropicProviderOptions = {}): OpenAICompatibleProvider {
  const name = `Anthropic provider '${options.providerId ?? 'anthropic'}'`;
  const core = createOpenAICompatibleProvider({
    name,
    baseURL: options.baseURL ?? anthropicBaseURL,
    apiKey: () => config.api_key,
    requireApiKey: true,
    providerDataApiKeyField: 'anthropic_api_key',
    fetch: createAnthropicFetch(options.fetch),
    listModels: listAnthropicModels,
    adaptRequest: adaptAnthropicRequest,
    logger: options.logger,
  });
  return {
    ...core,
    async completion() {
      throw new UnsupportedError(`${name}: Anthropic serves chat completions only; /v1/completions is not offered.`, {
        code: 'unsupported_operation',
      });
    },
    async embeddings() {
      throw new UnsupportedError(`${name}: Anthropic has no embedding models; use another provider for embeddings.`, {
        code: 'unsupported_operation',
      });
    },
  };
}
