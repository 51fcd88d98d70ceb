import OpenAI from 'openai';
import type { Stream } from 'openai/core/streaming';
import { AuthenticationError, InvalidRequestError, silentLogger, type ProviderHealth, type RequestContext } from '@stack/core';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
  Completion,
  CompletionRequest,
  DiscoveredModel,
  EmbeddingsRequest,
  EmbeddingsResponse,
  InferenceProvider,
} from '@stack/inference-api';
import type {
  EmbeddingModelInfo,
  OpenAICompatibleSettings,
  OpenAICompatibleUpstream,
  UpstreamModel,
  UpstreamOperation,
  UpstreamRequestOptions,
} from './openai-compatible-settings.js';
import { createUpstreamFetch } from './upstream-fetch.js';
import { mapUpstreamError, redactURL, type UpstreamTarget } from './upstream-errors.js';

/** What `createOpenAICompatibleProvider` returns: an inference provider that can also list models. */
export interface OpenAICompatibleProvider extends InferenceProvider {
  readonly name: string;
  readonly baseURL: string;
  listModels(context?: RequestContext): Promise<DiscoveredModel[]>;
  health(): Promise<ProviderHealth>;
  close(): Promise<void>;
  /** The upstream client the hooks use, for presets that add calls of their own. */
  readonly upstream: OpenAICompatibleUpstream;
}

const defaultTimeoutMs = 10 * 60_000;
const defaultHealthTimeoutMs = 5_000;
const embeddingProbeText = 'dimension probe';

/**
 * The `openai` client refuses to start without a key. Every request sets (or removes) the
 * Authorization header itself, so this value is never sent.
 */
const unusedClientKey = 'set-per-request';

/**
 * One OpenAI-compatible inference backend on the official `openai` client. Requests are forwarded
 * as they are (vendor fields included) with the caller's abort signal; streams are relayed chunk
 * by chunk; errors come out as the stack's closed error set. Nothing is read or connected until
 * the first call.
 */
export function createOpenAICompatibleProvider(settings: OpenAICompatibleSettings): OpenAICompatibleProvider {
  const baseURL = settings.baseURL.replace(/\/+$/, '');
  if (redactURL(baseURL) !== baseURL) {
    // fetch refuses such URLs and quotes them, password included, in its error.
    throw new InvalidRequestError(
      `${settings.name}: the base URL ${redactURL(baseURL)} must not carry credentials; configure an API key instead.`,
      { code: 'invalid_config' },
    );
  }
  const target: UpstreamTarget = { name: settings.name, baseURL };
  const logger = settings.logger ?? silentLogger;
  const network = createUpstreamFetch({ fetch: settings.fetch, tlsVerify: settings.tlsVerify });
  let client: OpenAI | undefined;

  function getClient(): OpenAI {
    // Explicit nulls stop the client from picking up OPENAI_* variables meant for another service.
    client ??= new OpenAI({
      apiKey: unusedClientKey,
      adminAPIKey: null,
      organization: null,
      project: null,
      webhookSecret: null,
      baseURL,
      fetch: network.fetch,
      // 408/409/429/5xx and dropped connections are retried with exponential backoff, honouring
      // Retry-After; a stream is only retried before its first byte, so nothing is sent twice.
      maxRetries: settings.maxRetries ?? 2,
      timeout: settings.timeoutMs ?? defaultTimeoutMs,
      logLevel: 'off',
    });
    return client;
  }

  function apiKeyFor(context: RequestContext | undefined): string | undefined {
    const field = settings.providerDataApiKeyField;
    if (field) {
      const value = context?.providerData?.[field];
      if (typeof value === 'string' && value.length > 0) return value;
    }
    const configured = settings.apiKey?.();
    return configured ? configured : undefined;
  }

  function requestOptions(options: UpstreamRequestOptions = {}) {
    const key = apiKeyFor(options.context);
    if (!key && settings.requireApiKey) {
      const field = settings.providerDataApiKeyField;
      const hint = field
        ? ` Set it in the provider config, or per request in the X-LlamaStack-Provider-Data header as {"${field}": "<key>"}.`
        : ' Set it in the provider config.';
      throw new AuthenticationError(`${settings.name}: no API key is configured.${hint}`, { code: 'missing_api_key' });
    }
    const extra = typeof settings.headers === 'function' ? settings.headers() : settings.headers;
    return {
      headers: { ...extra, Authorization: key ? `Bearer ${key}` : null },
      // The client validates these when present, so absent ones are left out rather than undefined.
      ...(options.context?.signal ? { signal: options.context.signal } : {}),
      ...(options.timeoutMs !== undefined ? { timeout: options.timeoutMs } : {}),
    };
  }

  function prepare(request: object, operation: UpstreamOperation): Record<string, unknown> {
    let body: Record<string, unknown> = { ...(request as Record<string, unknown>) };
    if (
      operation !== 'embeddings' &&
      settings.defaultMaxTokens &&
      body.max_tokens == null &&
      body.max_completion_tokens == null
    ) {
      body.max_tokens = settings.defaultMaxTokens;
    }
    if (settings.adaptRequest) body = settings.adaptRequest(body, operation);
    return body;
  }

  async function call<T>(run: () => Promise<T>, context?: RequestContext): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw mapUpstreamError(error, target, context?.signal);
    }
  }

  /** Relays an SDK stream chunk by chunk; leaving the loop early closes the upstream connection. */
  async function* relay<T>(stream: Stream<T>, context: RequestContext): AsyncGenerator<T> {
    try {
      for await (const chunk of stream) yield chunk;
    } catch (error) {
      throw mapUpstreamError(error, target, context.signal);
    } finally {
      stream.controller.abort();
    }
    // The client ends a stream quietly when its signal fires; a cut-off stream must not look complete.
    if (context.signal.aborted) throw context.signal.reason;
  }

  const upstream: OpenAICompatibleUpstream = {
    name: settings.name,
    baseURL,
    get<T>(path: string, options?: UpstreamRequestOptions) {
      return call(() => getClient().get<T>(path, requestOptions(options)), options?.context);
    },
    post<T>(path: string, body: unknown, options?: UpstreamRequestOptions) {
      return call(() => getClient().post<T>(path, { body, ...requestOptions(options) }), options?.context);
    },
    listUpstreamModels(options?: UpstreamRequestOptions) {
      return call(async () => {
        const models: UpstreamModel[] = [];
        for await (const model of getClient().models.list(requestOptions(options))) models.push(model as UpstreamModel);
        return models;
      }, options?.context);
    },
    async probeEmbeddingDimension(modelId: string, options?: UpstreamRequestOptions) {
      try {
        const response = await upstream.post<{ data?: Array<{ embedding?: unknown }> }>(
          '/embeddings',
          { model: modelId, input: embeddingProbeText, encoding_format: 'float' },
          options,
        );
        const vector = response.data?.[0]?.embedding;
        return Array.isArray(vector) && vector.length > 0 ? vector.length : undefined;
      } catch (error) {
        logger.warn('could not learn the embedding dimension', { provider: settings.name, model: modelId, error: String((error as Error).message) });
        return undefined;
      }
    },
  };

  const classify = settings.classifyModel ?? ((model: UpstreamModel) => classifyOpenAIModel(model, settings.embeddingModels));

  async function listModels(context?: RequestContext): Promise<DiscoveredModel[]> {
    const models = settings.listModels
      ? await settings.listModels(upstream, context)
      : (await upstream.listUpstreamModels({ context })).flatMap((entry) => classify(entry) ?? []);
    if (!settings.probeEmbeddingDimensions) return models;
    return Promise.all(
      models.map(async (model) => {
        if (model.model_type !== 'embedding' || typeof model.metadata?.embedding_dimension === 'number') return model;
        const dimension = await upstream.probeEmbeddingDimension(model.provider_resource_id, { context });
        return dimension === undefined ? model : { ...model, metadata: { ...model.metadata, embedding_dimension: dimension } };
      }),
    );
  }

  return {
    name: settings.name,
    baseURL,
    upstream,

    async chatCompletion(request: ChatCompletionRequest, context: RequestContext) {
      const body = prepare(request, 'chat');
      const options = requestOptions({ context });
      if (body.stream === true) {
        const stream = await call(
          () => getClient().chat.completions.create(body as unknown as OpenAI.ChatCompletionCreateParamsStreaming, options),
          context,
        );
        return relay(stream, context) as AsyncIterable<unknown> as AsyncIterable<ChatCompletionChunk>;
      }
      const completion = await call(
        () => getClient().chat.completions.create(body as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming, options),
        context,
      );
      return completion as unknown as ChatCompletion;
    },

    async completion(request: CompletionRequest, context: RequestContext) {
      const body = prepare(request, 'completion');
      const options = requestOptions({ context });
      if (body.stream === true) {
        const stream = await call(
          () => getClient().completions.create(body as unknown as OpenAI.CompletionCreateParamsStreaming, options),
          context,
        );
        return relay(stream, context) as AsyncIterable<unknown> as AsyncIterable<Completion>;
      }
      const completion = await call(
        () => getClient().completions.create(body as unknown as OpenAI.CompletionCreateParamsNonStreaming, options),
        context,
      );
      return completion as unknown as Completion;
    },

    async embeddings(request: EmbeddingsRequest, context: RequestContext) {
      // Not `client.embeddings.create`: it asks for base64 when the caller named no encoding and
      // decodes it again, which changes the request and fails on servers without base64 support.
      return upstream.post<EmbeddingsResponse>('/embeddings', prepare(request, 'embeddings'), { context });
    },

    listModels,

    async health(): Promise<ProviderHealth> {
      const timeoutMs = settings.healthTimeoutMs ?? defaultHealthTimeoutMs;
      try {
        if (settings.health) await settings.health(upstream, { timeoutMs });
        else await upstream.get('/models', { timeoutMs });
        return { status: 'OK' };
      } catch (error) {
        const mapped = mapUpstreamError(error, target);
        return { status: 'Error', message: mapped instanceof Error ? mapped.message : `${settings.name} at ${redactURL(baseURL)} is unhealthy.` };
      }
    },

    async close() {
      client = undefined;
      await network.close();
    },
  };
}

/**
 * The default classification of a `/models` entry: a known embedding model with its metadata,
 * anything else an LLM (with vLLM's `max_model_len` as `context_length`).
 */
export function classifyOpenAIModel(model: UpstreamModel, embeddingModels: Record<string, EmbeddingModelInfo> = {}): DiscoveredModel {
  const known = Object.hasOwn(embeddingModels, model.id) ? embeddingModels[model.id] : undefined;
  if (known) return { provider_resource_id: model.id, model_type: 'embedding', metadata: { ...known } };
  const contextLength = typeof model.max_model_len === 'number' ? model.max_model_len : undefined;
  return {
    provider_resource_id: model.id,
    model_type: 'llm',
    metadata: contextLength === undefined ? {} : { context_length: contextLength },
  };
}
