import type { Logger, RequestContext } from '@stack/core';
import type { DiscoveredModel } from '@stack/inference-api';
import type { FetchFunction } from './upstream-fetch.js';

/** Known metadata of an embedding model, reported with it when models are listed. */
export interface EmbeddingModelInfo {
  embedding_dimension: number;
  context_length?: number;
}

/** One entry of `GET {base}/models`; servers add their own fields (vLLM: `root`, `max_model_len`). */
export interface UpstreamModel {
  id: string;
  object?: string;
  created?: number;
  owned_by?: string;
  [field: string]: unknown;
}

export type UpstreamOperation = 'chat' | 'completion' | 'embeddings';

export interface UpstreamRequestOptions {
  /** Supplies the abort signal and the per-request API key (provider data). */
  context?: RequestContext | undefined;
  /** Overrides the provider's timeout for this call. */
  timeoutMs?: number | undefined;
}

/**
 * The upstream as hooks see it: authenticated JSON calls with errors already mapped. Paths are
 * relative to the base URL (`/models`) or absolute URLs (Ollama's native `http://host/api/tags`).
 */
export interface OpenAICompatibleUpstream {
  readonly name: string;
  readonly baseURL: string;
  get<T = unknown>(path: string, options?: UpstreamRequestOptions): Promise<T>;
  post<T = unknown>(path: string, body: unknown, options?: UpstreamRequestOptions): Promise<T>;
  /** The entries of `GET {base}/models`, unclassified. */
  listUpstreamModels(options?: UpstreamRequestOptions): Promise<UpstreamModel[]>;
  /** Embeds a short text to learn a model's vector size; undefined when that fails. */
  probeEmbeddingDimension(modelId: string, options?: UpstreamRequestOptions): Promise<number | undefined>;
}

export interface OpenAICompatibleSettings {
  /** Names the provider in errors and logs, e.g. `vLLM provider 'vllm'`. */
  name: string;
  /** The OpenAI-compatible base URL, the part before `/chat/completions` (e.g. `http://host:8000/v1`). */
  baseURL: string;
  /** Read on every request, never at construction. Empty or undefined means no key is configured. */
  apiKey?: (() => string | undefined) | undefined;
  /** When true a request without any key fails with AuthenticationError; otherwise no Authorization header is sent. */
  requireApiKey?: boolean | undefined;
  /** A provider-data field (e.g. `openai_api_key`) whose value, when present, replaces the configured key for that request. */
  providerDataApiKeyField?: string | undefined;
  /** Extra headers for every request; a function is called per request (for rotating tokens). */
  headers?: Record<string, string> | (() => Record<string, string>) | undefined;
  /** Replaces the network layer (tests, proxies). */
  fetch?: FetchFunction | undefined;
  /**
   * Retries of a request the upstream refused for a passing reason (408, 409, 429, 5xx, a dropped
   * connection), with exponential backoff that honours Retry-After. Default 2; 0 turns them off.
   */
  maxRetries?: number | undefined;
  /** `true` (default), `false` (accept any certificate) or the path of a CA bundle. Ignored with a custom `fetch`. */
  tlsVerify?: boolean | string | undefined;
  /** Time allowed until the upstream's response headers arrive (default 10 minutes, as the openai client). */
  timeoutMs?: number | undefined;
  /** Time allowed for `health()` (default 5 s). */
  healthTimeoutMs?: number | undefined;
  /** `max_tokens` for chat and text completions that set neither `max_tokens` nor `max_completion_tokens`. */
  defaultMaxTokens?: number | undefined;
  /** Model ids the upstream serves as embedding models, with their dimensions. */
  embeddingModels?: Record<string, EmbeddingModelInfo> | undefined;
  /**
   * Decides type and metadata of one `/models` entry; undefined skips it. The default uses
   * `embeddingModels` and reports vLLM's `max_model_len` as `context_length`.
   */
  classifyModel?: ((model: UpstreamModel) => DiscoveredModel | undefined) | undefined;
  /** Replaces model listing altogether (Ollama lists through its native API). */
  listModels?: ((upstream: OpenAICompatibleUpstream, context?: RequestContext) => Promise<DiscoveredModel[]>) | undefined;
  /** Embedding models listed without `embedding_dimension` get it by embedding a probe text. */
  probeEmbeddingDimensions?: boolean | undefined;
  /** Replaces the health check (default: `GET {base}/models`); throws when unhealthy. */
  health?: ((upstream: OpenAICompatibleUpstream, options: { timeoutMs: number }) => Promise<void>) | undefined;
  /**
   * Rewrites a request before it is sent, for vendors that reject or rename some parameters.
   * Receives a shallow copy it may change.
   */
  adaptRequest?: ((request: Record<string, unknown>, operation: UpstreamOperation) => Record<string, unknown>) | undefined;
  logger?: Logger | undefined;
}
