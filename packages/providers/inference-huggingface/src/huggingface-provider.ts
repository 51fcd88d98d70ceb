import {
  InvalidRequestError,
  NotFoundError,
  UnsupportedError,
  type Logger,
  type ProviderHealth,
  type RequestContext,
} from '@stack/core';
import type { ChatCompletionRequest, CompletionRequest, DiscoveredModel, InferenceProvider } from '@stack/inference-api';
import { createOpenAICompatibleProvider, fillMissingIds, type FetchFunction, type OpenAICompatibleProvider } from '@stack/openai-compatible';
import type { HFEndpointConfig, HFServerlessConfig } from './huggingface-config.js';
import { defaultHuggingFaceURLs, resolveInferenceEndpoint, type HuggingFaceURLs, type ResolvedEndpoint } from './huggingface-hub.js';

export interface HuggingFaceProviderOptions {
  /** The `provider_id`, for messages. */
  providerId?: string;
  logger?: Logger;
  /** Replaces the network layer (tests, proxies). */
  fetch?: FetchFunction;
  /** Replaces Hugging Face's service URLs (tests, private deployments). */
  urls?: Partial<HuggingFaceURLs>;
}

/** A Hugging Face provider: inference plus model listing, health and release. */
export interface HuggingFaceInferenceProvider extends InferenceProvider {
  listModels(context?: RequestContext): Promise<DiscoveredModel[]>;
  health(): Promise<ProviderHealth>;
  close(): Promise<void>;
}

/** Each provider serves one model; a request for another is refused rather than answered by it. */
function assertModel(name: string, served: string, requested: unknown): void {
  if (requested === served) return;
  throw new NotFoundError(`${name}: this provider serves \`${served}\`, not \`${String(requested)}\`.`, {
    code: 'model_not_found',
    param: 'model',
  });
}

function unsupported(message: string): Promise<never> {
  return Promise.reject(new UnsupportedError(message, { code: 'unsupported_operation' }));
}

/**
 * `remote::hf::serverless`: one Hub model through Hugging Face's OpenAI-compatible Inference
 * Providers router (`{router}/chat/completions` with the repository as `model`). The router
 * offers chat only, so text completions and embeddings are refused.
 */
export function createHFServerlessInferenceProvider(
  config: HFServerlessConfig,
  options: HuggingFaceProviderOptions = {},
): HuggingFaceInferenceProvider {
  const name = `Hugging Face serverless provider '${options.providerId ?? 'hf-serverless'}'`;
  const repository = config.huggingface_repo;
  if (!repository) {
    throw new InvalidRequestError(
      `${name}: no model is configured. Set \`huggingface_repo\` (e.g. INFERENCE_MODEL) to a Hub repository such as meta-llama/Llama-3.1-8B-Instruct.`,
      { code: 'invalid_config', param: 'huggingface_repo' },
    );
  }
  const base: OpenAICompatibleProvider = createOpenAICompatibleProvider({
    name,
    baseURL: options.urls?.routerURL ?? defaultHuggingFaceURLs.routerURL,
    apiKey: () => config.api_token,
    requireApiKey: true,
    listModels: async () => [{ provider_resource_id: repository, model_type: 'llm', metadata: {} }],
    fetch: options.fetch,
    logger: options.logger,
  });
  return {
    listModels: base.listModels,
    health: base.health,
    close: base.close,
    async chatCompletion(request: ChatCompletionRequest, context: RequestContext) {
      assertModel(name, repository, request.model);
      return fillMissingIds(await base.chatCompletion(request, context), 'chatcmpl');
    },
    completion: () => unsupported(`${name}: Hugging Face's router offers chat completions only; use /v1/chat/completions.`),
    embeddings: () => unsupported(`${name}: embeddings are not offered by this provider.`),
  };
}

/**
 * `remote::hf::endpoint`: a dedicated Inference Endpoint running TGI. Its URL and model come from
 * the Inference Endpoints API on first use; then chat and text completions go to the endpoint's
 * OpenAI-compatible `/v1` routes. Embeddings are refused: TGI does not embed.
 */
export function createHFEndpointInferenceProvider(config: HFEndpointConfig, options: HuggingFaceProviderOptions = {}): HuggingFaceInferenceProvider {
  const name = `Hugging Face endpoint provider '${options.providerId ?? 'hf-endpoint'}'`;
  const endpointName = config.endpoint_name;
  if (!endpointName) {
    throw new InvalidRequestError(
      `${name}: no endpoint is configured. Set \`endpoint_name\` (e.g. INFERENCE_ENDPOINT_NAME) to "namespace/name" or the name of one of your endpoints.`,
      { code: 'invalid_config', param: 'endpoint_name' },
    );
  }
  const urls = { ...defaultHuggingFaceURLs, ...options.urls };
  const common = { apiKey: () => config.api_token, requireApiKey: true, fetch: options.fetch, logger: options.logger };
  const management = createOpenAICompatibleProvider({ ...common, name, baseURL: urls.endpointsAPIURL });
  let connection: Promise<{ endpoint: ResolvedEndpoint; provider: OpenAICompatibleProvider }> | undefined;

  function connect(context?: RequestContext) {
    if (connection) return connection;
    const pending = resolveInferenceEndpoint(management.upstream, endpointName!, urls.hubURL, context).then((endpoint) => ({
      endpoint,
      provider: createOpenAICompatibleProvider({ ...common, name, baseURL: `${endpoint.url}/v1` }),
    }));
    connection = pending;
    // A failed lookup (endpoint paused, network down) is retried by the next call.
    pending.catch(() => {
      if (connection === pending) connection = undefined;
    });
    return pending;
  }

  return {
    async listModels(context?: RequestContext) {
      const { endpoint } = await connect(context);
      return [
        {
          provider_resource_id: endpoint.repository,
          model_type: 'llm',
          metadata: endpoint.contextLength === undefined ? {} : { context_length: endpoint.contextLength },
        },
      ];
    },
    async health(): Promise<ProviderHealth> {
      try {
        return await (await connect()).provider.health();
      } catch (error) {
        return { status: 'Error', message: (error as Error).message };
      }
    },
    async close() {
      const current = connection;
      connection = undefined;
      await management.close();
      if (current) await (await current.catch(() => undefined))?.provider.close();
    },
    async chatCompletion(request: ChatCompletionRequest, context: RequestContext) {
      const { endpoint, provider } = await connect(context);
      assertModel(name, endpoint.repository, request.model);
      return fillMissingIds(await provider.chatCompletion(request, context), 'chatcmpl');
    },
    async completion(request: CompletionRequest, context: RequestContext) {
      const { endpoint, provider } = await connect(context);
      assertModel(name, endpoint.repository, request.model);
      return fillMissingIds(await provider.completion(request, context), 'cmpl');
    },
    embeddings: () => unsupported(`${name}: TGI endpoints do not serve embeddings.`),
  };
}
