import {
  InvalidRequestError,
  type Logger,
  type ProviderHealth,
  type RequestContext,
} from '@stack/core';
import type {
  ChatCompletionRequest,
  CompletionRequest,
  DiscoveredModel,
  EmbeddingsRequest,
  InferenceProvider,
} from '@stack/inference-api';
import { createOpenAICompatibleProvider, type FetchFunction, type OpenAICompatibleProvider } from '@stack/openai-compatible';
import type { PassthroughConfig } from './passthrough-config.js';
import { classifyLlamaStackModel } from './passthrough-models.js';

export interface PassthroughProviderOptions {
  /** The `provider_id`, for messages (default `passthrough`). */
  providerId?: string;
  logger?: Logger;
  /** Replaces the network layer (tests, proxies). */
  fetch?: FetchFunction;
}

/** A passthrough provider: inference plus model listing, health and release. */
export interface PassthroughInferenceProvider extends InferenceProvider {
  listModels(context?: RequestContext): Promise<DiscoveredModel[]>;
  health(): Promise<ProviderHealth>;
  close(): Promise<void>;
}

/** Downstream servers named per request are kept this many at a time, least recently used out. */
const maxDownstreams = 16;

function providerDataString(context: RequestContext | undefined, field: string): string | undefined {
  const value = context?.providerData?.[field];
  return typeof value === 'string' && value.trim().length > 0 ? value.trim() : undefined;
}

/**
 * Forwards inference to another Llama Stack server through its OpenAI-compatible `/v1` routes,
 * requests and streams unchanged. The server is `url` from the config, or else `passthrough_url`
 * from the request's provider data; likewise the key (`api_key`, else `passthrough_api_key`).
 * Models are listed from the other server's `/v1/models` with their types kept.
 */
export function createPassthroughInferenceProvider(config: PassthroughConfig, options: PassthroughProviderOptions = {}): PassthroughInferenceProvider {
  const name = `Passthrough provider '${options.providerId ?? 'passthrough'}'`;
  const downstreams = new Map<string, OpenAICompatibleProvider>();

  function rootFor(context: RequestContext | undefined): string | undefined {
    const url = config.url ?? providerDataString(context, 'passthrough_url');
    // Both `http://host:8321` and `http://host:8321/v1` name the same server.
    return url?.replace(/\/+$/, '').replace(/\/v1$/, '');
  }

  function downstream(root: string): OpenAICompatibleProvider {
    const existing = downstreams.get(root);
    if (existing) {
      downstreams.delete(root);
      downstreams.set(root, existing);
      return existing;
    }
    const created = createOpenAICompatibleProvider({
      name,
      baseURL: `${root}/v1`,
      apiKey: () => config.api_key,
      // The configured key wins over the caller's, as in the reference.
      providerDataApiKeyField: config.api_key ? undefined : 'passthrough_api_key',
      classifyModel: classifyLlamaStackModel,
      fetch: options.fetch,
      logger: options.logger,
    });
    downstreams.set(root, created);
    if (downstreams.size > maxDownstreams) {
      const [oldestRoot, oldest] = downstreams.entries().next().value!;
      downstreams.delete(oldestRoot);
      void oldest.close();
    }
    return created;
  }

  function requireDownstream(context: RequestContext): OpenAICompatibleProvider {
    const root = rootFor(context);
    if (!root) {
      throw new InvalidRequestError(
        `${name}: no downstream server is configured. Set \`url\` in the provider's config, or send the server's URL per request in the X-LlamaStack-Provider-Data header as {"passthrough_url": "<url>"}.`,
        { code: 'missing_passthrough_url' },
      );
    }
    return downstream(root);
  }

  return {
    async listModels(context?: RequestContext) {
      const root = rootFor(context);
      // Without a configured server the models depend on each caller's provider data; none are known up front.
      return root ? downstream(root).listModels(context) : [];
    },
    async health(): Promise<ProviderHealth> {
      if (!config.url) return { status: 'Not Implemented', message: 'The downstream server is named by each request.' };
      return downstream(rootFor(undefined)!).health();
    },
    async close() {
      const all = [...downstreams.values()];
      downstreams.clear();
      await Promise.all(all.map((provider) => provider.close()));
    },
    async chatCompletion(request: ChatCompletionRequest, context: RequestContext) {
      return requireDownstream(context).chatCompletion(request, context);
    },
    async completion(request: CompletionRequest, context: RequestContext) {
      return requireDownstream(context).completion(request, context);
    },
    async embeddings(request: EmbeddingsRequest, context: RequestContext) {
      return requireDownstream(context).embeddings(request, context);
    },
  };
}
