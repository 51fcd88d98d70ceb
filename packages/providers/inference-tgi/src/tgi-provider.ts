import { InvalidRequestError, UnsupportedError, type Logger, type RequestContext } from '@stack/core';
import type { ChatCompletionRequest, CompletionRequest } from '@stack/inference-api';
import { createOpenAICompatibleProvider, fillMissingIds, type FetchFunction, type OpenAICompatibleProvider } from '@stack/openai-compatible';
import type { TGIConfig } from './tgi-config.js';
import { createTGIInfoCache, tgiModelFromInfo } from './tgi-info.js';

export interface TGIProviderOptions {
  /** The `provider_id`, for messages (default `tgi`). */
  providerId?: string;
  logger?: Logger;
  /** Replaces the network layer (tests, proxies). */
  fetch?: FetchFunction;
}

/**
 * A Text Generation Inference server: chat and text completions on its OpenAI-compatible
 * `{url}/v1` routes; the one model it serves, with its token limit, from `GET {url}/info`.
 * TGI does not embed (that is Text Embeddings Inference), so embeddings are refused.
 */
export function createTGIInferenceProvider(config: TGIConfig, options: TGIProviderOptions = {}): OpenAICompatibleProvider {
  const name = `TGI provider '${options.providerId ?? 'tgi'}'`;
  if (!config.url) {
    throw new InvalidRequestError(
      `${name}: no URL is configured. Set TGI_URL, or \`url\` in the provider's config, to the server's root (e.g. http://localhost:8080).`,
      { code: 'invalid_config', param: 'url' },
    );
  }
  const root = config.url.replace(/\/+$/, '').replace(/\/v1$/, '');
  const served = createTGIInfoCache(root, () => base.upstream, name);
  const base: OpenAICompatibleProvider = createOpenAICompatibleProvider({
    name,
    baseURL: `${root}/v1`,
    listModels: async (_upstream, context) => [tgiModelFromInfo(await served.refresh(context))],
    health: (upstream, { timeoutMs }) => upstream.get(`${root}/info`, { timeoutMs }).then(() => undefined),
    fetch: options.fetch,
    logger: options.logger,
  });

  return {
    ...base,
    async chatCompletion(request: ChatCompletionRequest, context: RequestContext) {
      await served.assertServes(request.model, context);
      return fillMissingIds(await base.chatCompletion(request, context), 'chatcmpl');
    },
    async completion(request: CompletionRequest, context: RequestContext) {
      await served.assertServes(request.model, context);
      return fillMissingIds(await base.completion(request, context), 'cmpl');
    },
    embeddings() {
      return Promise.reject(
        new UnsupportedError(`${name}: TGI does not serve embeddings; use a Text Embeddings Inference or other embedding provider.`, {
          code: 'unsupported_operation',
        }),
      );
    },
  };
}
