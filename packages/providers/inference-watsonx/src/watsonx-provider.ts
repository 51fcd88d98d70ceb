import {
  AuthenticationError,
  createRequestContext,
  InvalidRequestError,
  UnsupportedError,
  type Logger,
  type ProviderHealth,
  type RequestContext,
} from '@stack/core';
import type { ChatCompletionRequest, DiscoveredModel, EmbeddingsRequest, InferenceProvider } from '@stack/inference-api';
import {
  createOpenAICompatibleProvider,
  type FetchFunction,
  type OpenAICompatibleUpstream,
  type UpstreamModel,
} from '@stack/openai-compatible';
import { createIbmIamTokenSource, type IbmIamTokenSource } from './ibm-iam-tokens.js';
import type { WatsonxConfig } from './watsonx-config.js';

/** The watsonx.ai API version every `/ml/v1` request names in its `version` query parameter. */
export const watsonxApiVersion = '2023-10-25';

/** Pages of `foundation_model_specs` read at most, 200 specs each. */
const maxSpecPages = 20;
const specPageSize = 200;

export interface WatsonxProviderOptions {
  /** The `provider_id`, for messages (default `watsonx`). */
  providerId?: string;
  logger?: Logger;
  /** Replaces the network layer, for watsonx.ai and IAM alike (tests, proxies). */
  fetch?: FetchFunction;
  /** Replaces IBM Cloud IAM's token URL (tests, private clouds). */
  iamTokenURL?: string;
  /** Replaces the IAM exchange altogether. */
  tokenSource?: IbmIamTokenSource;
}

export interface WatsonxInferenceProvider extends InferenceProvider {
  readonly name: string;
  readonly baseURL: string;
  listModels(context?: RequestContext): Promise<DiscoveredModel[]>;
  health(): Promise<ProviderHealth>;
  close(): Promise<void>;
}

/** One entry of `GET /ml/v1/foundation_model_specs`. */
interface FoundationModelSpec {
  model_id?: string;
  functions?: Array<{ id?: string }> | null;
  model_limits?: { max_sequence_length?: number; embedding_dimension?: number } | null;
}

/** The provider-data field the IAM token travels in to the OpenAI-compatible core; always set here. */
const tokenField = 'watsonx_iam_token';

function providerDataString(context: RequestContext | undefined, field: string): string | undefined {
  const value = context?.providerData?.[field];
  return typeof value === 'string' && value.trim().length > 0 ? value.trim() : undefined;
}

/**
 * Every watsonx.ai call names the API version in its query, and watsonx.ai reports errors as
 * `{"errors": [{"code", "message"}], "status_code"}`, which the OpenAI client cannot read; they
 * are rewritten into OpenAI's envelope so the message survives.
 */
export function createWatsonxFetch(base: FetchFunction = (input, init) => globalThis.fetch(input, init)): FetchFunction {
  return async (input, init) => {
    let target = input;
    if (typeof input === 'string' || input instanceof URL) {
      const url = new URL(input.toString());
      if (!url.searchParams.has('version')) url.searchParams.set('version', watsonxApiVersion);
      target = url.toString();
    }
    const response = await base(target, init);
    if (response.status < 400) return response;
    const text = await response.text();
    let body: any;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    const first = Array.isArray(body?.errors) ? body.errors[0] : undefined;
    const rewritten =
      first && typeof first.message === 'string'
        ? JSON.stringify({ error: { message: first.message, type: null, param: null, code: typeof first.code === 'string' ? first.code : null } })
        : text;
    const headers = new Headers(response.headers);
    headers.delete('content-length');
    headers.delete('content-encoding');
    return new Response(rewritten, { status: response.status, statusText: response.statusText, headers });
  };
}

async function loadModelSpecs(upstream: OpenAICompatibleUpstream, context: RequestContext | undefined): Promise<Map<string, FoundationModelSpec>> {
  const specs = new Map<string, FoundationModelSpec>();
  for (let page = 0; page < maxSpecPages; page += 1) {
    const response = await upstream.get<{ resources?: FoundationModelSpec[] | null; total_count?: number }>(
      `/foundation_model_specs?limit=${specPageSize}&start=${page * specPageSize}`,
      { context },
    );
    const resources = response.resources ?? [];
    for (const spec of resources) if (spec.model_id) specs.set(spec.model_id, spec);
    const total = typeof response.total_count === 'number' ? response.total_count : 0;
    if (resources.length < specPageSize || specs.size >= total) break;
  }
  return specs;
}

/**
 * Classifies `GET /ml/v1/models` with watsonx.ai's model specs: `embedding` models with their
 * dimension, `text_chat` models as LLMs; specs with neither (rerankers, base models for
 * `text_generation` only) cannot be served here and are left out. Models without a spec are LLMs.
 */
export function classifyWatsonxModel(model: UpstreamModel, spec: FoundationModelSpec | undefined, logger?: Logger): DiscoveredModel | undefined {
  if (!spec) return { provider_resource_id: model.id, model_type: 'llm', metadata: {} };
  const functions = new Set((spec.functions ?? []).map((entry) => entry.id));
  const contextLength = spec.model_limits?.max_sequence_length;
  const withContext = typeof contextLength === 'number' ? { context_length: contextLength } : {};
  if (functions.has('embedding')) {
    const dimension = spec.model_limits?.embedding_dimension;
    if (typeof dimension !== 'number' || dimension <= 0) {
      logger?.warn('watsonx.ai lists an embedding model without its dimension; register it in the run config', { model: model.id });
      return undefined;
    }
    return { provider_resource_id: model.id, model_type: 'embedding', metadata: { embedding_dimension: dimension, ...withContext } };
  }
  if (functions.has('text_chat')) return { provider_resource_id: model.id, model_type: 'llm', metadata: withContext };
  return undefined;
}

/**
 * IBM watsonx.ai through its OpenAI-compatible `/ml/v1` API: the IBM Cloud API key is exchanged
 * at IAM for a bearer token, every call carries `version`, and chat and embeddings run in a
 * project (`project_id` in the body). Text completions are not offered.
 */
export function createWatsonxInferenceProvider(config: WatsonxConfig, options: WatsonxProviderOptions = {}): WatsonxInferenceProvider {
  const name = `watsonx.ai provider '${options.providerId ?? 'watsonx'}'`;
  const tokens = options.tokenSource ?? createIbmIamTokenSource({ tokenURL: options.iamTokenURL, fetch: options.fetch });
  const logger = options.logger;

  const core = createOpenAICompatibleProvider({
    name,
    baseURL: `${config.base_url.replace(/\/+$/, '')}/ml/v1`,
    requireApiKey: true,
    providerDataApiKeyField: tokenField,
    fetch: createWatsonxFetch(options.fetch),
    timeoutMs: config.timeout * 1000,
    // watsonx.ai rejects `parallel_tool_calls`.
    adaptRequest: (request, operation) => {
      if (operation !== 'chat' || !('parallel_tool_calls' in request)) return request;
      const { parallel_tool_calls: _dropped, ...rest } = request;
      return rest;
    },
    async listModels(upstream, context) {
      const projectId = providerDataString(context, 'watsonx_project_id');
      const query = projectId ? `?project_id=${encodeURIComponent(projectId)}` : '';
      const [listing, specs] = await Promise.all([
        upstream.get<{ data?: UpstreamModel[] | null }>(`/models${query}`, { context }),
        loadModelSpecs(upstream, context),
      ]);
      return (listing.data ?? []).flatMap((model) => classifyWatsonxModel(model, specs.get(model.id), logger) ?? []);
    },
    logger,
  });

  /** Resolves key, token and project for one request; the token goes to the core in provider data. */
  async function route(context: RequestContext): Promise<{ context: RequestContext; projectId: string | undefined }> {
    const apiKey = providerDataString(context, 'watsonx_api_key') ?? config.api_key;
    if (!apiKey) {
      throw new AuthenticationError(
        `${name}: no API key is configured. Set it in the provider config, or per request in the X-LlamaStack-Provider-Data header as {"watsonx_api_key": "<key>"}.`,
        { code: 'missing_api_key' },
      );
    }
    const token = await tokens.getToken(apiKey);
    const projectId = providerDataString(context, 'watsonx_project_id') ?? config.project_id;
    const providerData: Record<string, unknown> = { ...context.providerData, [tokenField]: token };
    if (projectId) providerData.watsonx_project_id = projectId;
    return { context: { ...context, providerData }, projectId };
  }

  function requireProject(projectId: string | undefined): string {
    if (projectId) return projectId;
    throw new InvalidRequestError(`${name}: no watsonx.ai project is configured; set project_id in the provider config or send watsonx_project_id in provider data.`, {
      code: 'invalid_config',
    });
  }

  return {
    name,
    baseURL: core.baseURL,
    async chatCompletion(request: ChatCompletionRequest, context: RequestContext) {
      const routed = await route(context);
      const body = { ...request, project_id: requireProject(routed.projectId) } as ChatCompletionRequest;
      return core.chatCompletion(body, routed.context);
    },
    async completion() {
      throw new UnsupportedError(`${name}: watsonx.ai's OpenAI-compatible API serves chat completions, not /v1/completions.`, {
        code: 'unsupported_operation',
      });
    },
    async embeddings(request: EmbeddingsRequest, context: RequestContext) {
      const routed = await route(context);
      const body = { ...request, project_id: requireProject(routed.projectId) } as EmbeddingsRequest;
      return core.embeddings(body, routed.context);
    },
    async listModels(context?: RequestContext) {
      const routed = await route(context ?? createRequestContext());
      return core.listModels(routed.context);
    },
    async health() {
      try {
        const routed = await route(createRequestContext());
        await core.upstream.get('/foundation_model_specs?limit=1', { context: routed.context, timeoutMs: 5_000 });
        return { status: 'OK' };
      } catch (error) {
        return { status: 'Error', message: (error as Error).message };
      }
    },
    close: () => core.close(),
  };
}
