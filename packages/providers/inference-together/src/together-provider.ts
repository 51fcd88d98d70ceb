import { InvalidRequestError, type Logger } from '@stack/core';
import type { EmbeddingsRequest, EmbeddingsResponse } from '@stack/inference-api';
import { createOpenAICompatibleProvider, type FetchFunction, type OpenAICompatibleProvider } from '@stack/openai-compatible';
import type { TogetherConfig } from './together-config.js';
import { classifyTogetherModel, togetherEmbeddingModels, togetherModelEntries } from './together-models.js';

export interface TogetherProviderOptions {
  /** The `provider_id`, for messages (default `together`). */
  providerId?: string;
  logger?: Logger;
  /** Replaces the network layer (tests, proxies). */
  fetch?: FetchFunction;
}

/** Together AI's serverless models through its OpenAI-compatible API. */
export function createTogetherInferenceProvider(config: TogetherConfig, options: TogetherProviderOptions = {}): OpenAICompatibleProvider {
  const name = `Together provider '${options.providerId ?? 'together'}'`;
  const core = createOpenAICompatibleProvider({
    name,
    baseURL: config.url,
    apiKey: () => config.api_key,
    requireApiKey: true,
    providerDataApiKeyField: 'together_api_key',
    embeddingModels: togetherEmbeddingModels,
    async listModels(upstream, context) {
      const body = await upstream.get<unknown>('/models', { context });
      return togetherModelEntries(body).flatMap((entry) => classifyTogetherModel(entry) ?? []);
    },
    probeEmbeddingDimensions: true,
    fetch: options.fetch,
    logger: options.logger,
  });

  return {
    ...core,
    async embeddings(request: EmbeddingsRequest, context) {
      assertTogetherEmbeddingsRequest(name, request);
      const response = await core.embeddings(request, context);
      // Some Together embedding models (m2-bert) answer without usage, which OpenAI clients require.
      return response.usage ? response : ({ ...response, usage: { prompt_tokens: -1, total_tokens: -1 } } as EmbeddingsResponse);
    },
  };
}

/**
 * Together's embeddings endpoint answers 400 "Unrecognized request arguments supplied" to `user`
 * and `dimensions`, and embeds text only; such requests are refused here with the reason.
 */
function assertTogetherEmbeddingsRequest(name: string, request: EmbeddingsRequest): void {
  const body = request as Record<string, unknown>;
  for (const param of ['user', 'dimensions']) {
    if (body[param] != null) {
      throw new InvalidRequestError(`${name}: Together's embeddings endpoint does not accept \`${param}\`.`, { code: 'unsupported_parameter', param });
    }
  }
  const input = body.input;
  const isText = typeof input === 'string' || (Array.isArray(input) && input.every((item) => typeof item === 'string'));
  if (!isText) {
    throw new InvalidRequestError(`${name}: Together embeds text only; \`input\` must be a string or an array of strings, not token ids.`, {
      code: 'invalid_value',
      param: 'input',
    });
  }
}
