import { UnsupportedError, type Logger, type ProviderHealth } from '@stack/core';
import type { InferenceProvider } from '@stack/inference-api';
import { createOpenAICompatibleProvider, type FetchFunction } from '@stack/openai-compatible';
import type { BedrockConfig } from './bedrock-config.js';

/** Bedrock Runtime's OpenAI-compatible base URL in one region. */
export function bedrockBaseURL(region: string): string {
  return `https://bedrock-runtime.${region}.amazonaws.com/openai/v1`;
}

export interface BedrockProviderOptions {
  /** The `provider_id`, for messages (default `bedrock`). */
  providerId?: string;
  logger?: Logger;
  /** Replaces the network layer (tests, proxies). */
  fetch?: FetchFunction;
  /** Replaces the regional endpoint (tests, VPC endpoints). */
  baseURL?: string;
}

/** What `createBedrockInferenceProvider` returns: chat only, and no model listing. */
export interface BedrockInferenceProvider extends InferenceProvider {
  readonly name: string;
  readonly baseURL: string;
  health(): Promise<ProviderHealth>;
  close(): Promise<void>;
}

/**
 * Amazon Bedrock's OpenAI-compatible Chat Completions endpoint with a Bedrock API key. The
 * endpoint has no `/models`, `/completions` or `/embeddings`: models are registered in the run
 * config, and the other two operations fail with `UnsupportedError` before any request.
 */
export function createBedrockInferenceProvider(config: BedrockConfig, options: BedrockProviderOptions = {}): BedrockInferenceProvider {
  const name = `Bedrock provider '${options.providerId ?? 'bedrock'}'`;
  const core = createOpenAICompatibleProvider({
    name,
    baseURL: options.baseURL ?? bedrockBaseURL(config.region_name),
    apiKey: () => config.api_key,
    requireApiKey: true,
    providerDataApiKeyField: 'aws_bearer_token_bedrock',
    fetch: options.fetch,
    logger: options.logger,
  });
  const unsupported = (what: string) =>
    new UnsupportedError(`${name}: Bedrock's OpenAI-compatible API serves chat completions only, not ${what}.`, { code: 'unsupported_operation' });

  return {
    name: core.name,
    baseURL: core.baseURL,
    chatCompletion: core.chatCompletion,
    async completion() {
      throw unsupported('/v1/completions');
    },
    async embeddings() {
      throw unsupported('/v1/embeddings');
    },
    async health() {
      // Without a listing endpoint there is no call that checks the endpoint without generating.
      return { status: 'Not Implemented', message: `${name}: Bedrock's OpenAI-compatible API offers no status call.` };
    },
    close: () => core.close(),
  };
}
