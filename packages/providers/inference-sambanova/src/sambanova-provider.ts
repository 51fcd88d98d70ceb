import type { Logger } from '@stack/core';
import type { ChatCompletionRequest } from '@stack/inference-api';
import { createOpenAICompatibleProvider, type FetchFunction, type OpenAICompatibleProvider } from '@stack/openai-compatible';
import { inlineRemoteImages } from './inline-images.js';
import type { SambaNovaConfig } from './sambanova-config.js';
import { classifySambaNovaModel } from './sambanova-models.js';

export interface SambaNovaProviderOptions {
  /** The `provider_id`, for messages (default `sambanova`). */
  providerId?: string;
  logger?: Logger;
  /** Replaces the network layer, for the upstream and for image downloads (tests, proxies). */
  fetch?: FetchFunction;
}

/** SambaNova Cloud through its OpenAI-compatible API. */
export function createSambaNovaInferenceProvider(config: SambaNovaConfig, options: SambaNovaProviderOptions = {}): OpenAICompatibleProvider {
  const name = `SambaNova provider '${options.providerId ?? 'sambanova'}'`;
  const fetch: FetchFunction = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const core = createOpenAICompatibleProvider({
    name,
    baseURL: config.url,
    apiKey: () => config.api_key,
    requireApiKey: true,
    providerDataApiKeyField: 'sambanova_api_key',
    classifyModel: classifySambaNovaModel,
    probeEmbeddingDimensions: true,
    fetch: options.fetch,
    logger: options.logger,
  });
  return {
    ...core,
    async chatCompletion(request, context) {
      const messages = await inlineRemoteImages(name, request.messages, fetch, context.signal);
      const prepared = messages === request.messages ? request : ({ ...request, messages } as ChatCompletionRequest);
      return core.chatCompletion(prepared, context);
    },
  };
}
