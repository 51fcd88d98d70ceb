import type { Logger, RequestContext } from '@stack/core';
import type { DiscoveredModel, InferenceProvider, RerankRequest, RerankResponse } from '@stack/inference-api';
import { createOpenAICompatibleProvider, type FetchFunction, type OpenAICompatibleProvider } from '@stack/openai-compatible';
import type { NVIDIAConfig } from './nvidia-config.js';
import { classifyNVIDIAModel } from './nvidia-models.js';
import { fromNVIDIARankingResponse, toNVIDIARankingRequest, type NVIDIARankingResponse } from './nvidia-rerank.js';

export interface NVIDIAProviderOptions {
  /** The `provider_id`, for messages (default `nvidia`). */
  providerId?: string;
  logger?: Logger;
  /** Replaces the network layer (tests, proxies). */
  fetch?: FetchFunction;
}

/** The provider plus the rerank operation NIMs offer. */
export type NVIDIAInferenceProvider = OpenAICompatibleProvider & Required<Pick<InferenceProvider, 'rerank'>>;

const hostedHostname = 'integrate.api.nvidia.com';

/** True for NVIDIA's hosted API, which needs a key and reranks at per-model URLs. */
export function isNVIDIAHosted(url: string): boolean {
  try {
    return new URL(url).hostname === hostedHostname;
  } catch {
    return false;
  }
}

export function nvidiaBaseURL(config: Pick<NVIDIAConfig, 'url' | 'append_api_version'>): string {
  const url = config.url.replace(/\/+$/, '');
  return config.append_api_version ? `${url}/v1` : url;
}

/**
 * Asymmetric NIM embedding models (NV-EmbedQA, E5, Arctic, Nemotron retrievers) refuse requests
 * without `input_type`, which OpenAI clients do not send; `query` is assumed then, as in the
 * reference. GTE/GTR models refuse the field, and a `-query`/`-passage` model suffix already says it.
 */
export function withDefaultInputType(request: Record<string, unknown>): Record<string, unknown> {
  if (request.input_type != null) return request;
  const model = String(request.model ?? '').toLowerCase();
  if (/-(query|passage)$/.test(model) || /gte|gtr/.test(model)) return request;
  return { ...request, input_type: 'query' };
}

/** NVIDIA NIM, hosted at integrate.api.nvidia.com or self-hosted, through its OpenAI-compatible API. */
export function createNVIDIAInferenceProvider(config: NVIDIAConfig, options: NVIDIAProviderOptions = {}): NVIDIAInferenceProvider {
  const name = `NVIDIA provider '${options.providerId ?? 'nvidia'}'`;
  const logger = options.logger;
  const hosted = isNVIDIAHosted(config.url);
  const rerankURLs = config.rerank_model_to_url;
  const rerankModels = new Set(Object.keys(rerankURLs));

  const core = createOpenAICompatibleProvider({
    name,
    baseURL: nvidiaBaseURL(config),
    apiKey: () => config.api_key,
    // A self-hosted NIM usually runs without authentication; the hosted API never does.
    requireApiKey: hosted,
    providerDataApiKeyField: 'nvidia_api_key',
    timeoutMs: config.timeout * 1000,
    classifyModel: (model) => classifyNVIDIAModel(model, rerankModels),
    async listModels(upstream, context) {
      let listed: DiscoveredModel[] = [];
      try {
        listed = (await upstream.listUpstreamModels({ context })).map((model) => classifyNVIDIAModel(model, rerankModels));
      } catch (error) {
        // As in the reference, the configured rerank models stay usable when the listing fails.
        if (!hosted || rerankModels.size === 0) throw error;
        logger?.warn('could not list NVIDIA models; offering the configured rerank models only', { provider: name, error: String((error as Error).message) });
      }
      if (!hosted) return listed;
      const seen = new Set(listed.map((model) => model.provider_resource_id));
      const configured = [...rerankModels].filter((id) => !seen.has(id)).map((id): DiscoveredModel => ({ provider_resource_id: id, model_type: 'rerank', metadata: {} }));
      return [...listed, ...configured];
    },
    probeEmbeddingDimensions: true,
    adaptRequest: (request, operation) => (operation === 'embeddings' ? withDefaultInputType(request) : request),
    fetch: options.fetch,
    logger,
  });

  return {
    ...core,
    async rerank(request: RerankRequest, context: RequestContext): Promise<RerankResponse> {
      const body = toNVIDIARankingRequest(name, request);
      // The hosted API ranks at a URL per model; a NIM at `/v1/ranking`.
      const target = hosted && Object.hasOwn(rerankURLs, request.model) ? rerankURLs[request.model] : '/ranking';
      const response = await core.upstream.post<NVIDIARankingResponse>(target, body, { context });
      return fromNVIDIARankingResponse(response, request);
    },
  };
}
