import { existsSync, statSync } from 'node:fs';
import { InvalidRequestError, type Logger } from '@stack/core';
import {
  createOpenAICompatibleProvider,
  expandHome,
  type FetchFunction,
  type OpenAICompatibleProvider,
} from '@stack/openai-compatible';
import type { VLLMConfig } from './vllm-config.js';
import { classifyVLLMModel } from './vllm-models.js';

export interface VLLMProviderOptions {
  /** The `provider_id`, for messages (default `vllm`). */
  providerId?: string;
  logger?: Logger;
  /** Replaces the network layer (tests, proxies). */
  fetch?: FetchFunction;
}

/** A vLLM server through its OpenAI-compatible API. */
export function createVLLMInferenceProvider(config: VLLMConfig, options: VLLMProviderOptions = {}): OpenAICompatibleProvider {
  const name = `vLLM provider '${options.providerId ?? 'vllm'}'`;
  if (!config.url) {
    throw new InvalidRequestError(
      `${name}: no URL is configured. Set VLLM_URL, or \`url\` in the provider's config, to the server's OpenAI base (e.g. http://localhost:8000/v1).`,
      { code: 'invalid_config', param: 'url' },
    );
  }
  if (typeof config.tls_verify === 'string') assertCertificateFile(name, config.tls_verify);
  return createOpenAICompatibleProvider({
    name,
    baseURL: config.url,
    apiKey: () => config.api_token,
    providerDataApiKeyField: 'vllm_api_token',
    tlsVerify: config.tls_verify,
    defaultMaxTokens: config.max_tokens > 0 ? config.max_tokens : undefined,
    classifyModel: classifyVLLMModel,
    // vLLM does not report embedding sizes; a vector store needs them to create its index.
    probeEmbeddingDimensions: true,
    fetch: options.fetch,
    logger: options.logger,
  });
}

function assertCertificateFile(name: string, path: string): void {
  const resolved = expandHome(path);
  if (!existsSync(resolved) || !statSync(resolved).isFile()) {
    throw new InvalidRequestError(`${name}: tls_verify names a CA file that does not exist: ${path}`, {
      code: 'invalid_config',
      param: 'tls_verify',
    });
  }
}
