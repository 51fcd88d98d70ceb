import { InvalidRequestError, type Logger } from '@stack/core';
import type { DiscoveredModel } from '@stack/inference-api';
import {
  classifyOpenAIModel,
  createOpenAICompatibleProvider,
  type FetchFunction,
  type OpenAICompatibleProvider,
  type UpstreamModel,
  type UpstreamOperation,
} from '@stack/openai-compatible';
import type { RunpodConfig } from './runpod-config.js';

export interface RunpodProviderOptions {
  /** The `provider_id`, for messages (default `runpod`). */
  providerId?: string;
  logger?: Logger;
  /** Replaces the network layer (tests, proxies). */
  fetch?: FetchFunction;
}

/**
 * RunPod's serverless vLLM worker reports token usage in a stream only when asked, and the stack
 * needs usage to meter streamed answers; the caller's own `stream_options` win.
 */
export function adaptRunpodRequest(request: Record<string, unknown>, operation: UpstreamOperation): Record<string, unknown> {
  if (operation === 'embeddings' || request.stream !== true || request.stream_options != null) return request;
  return { ...request, stream_options: { include_usage: true } };
}

/**
 * The worker serves vLLM's `/models`, which does not say what a model does: ids naming an
 * embedding model are embedding models (their size is probed), ids naming a reranker rerank.
 */
export function classifyRunpodModel(model: UpstreamModel): DiscoveredModel {
  const base = classifyOpenAIModel(model);
  const names = `${model.id} ${typeof model.root === 'string' ? model.root : ''}`.toLowerCase();
  if (names.includes('embed')) return { ...base, model_type: 'embedding' };
  if (names.includes('rerank')) return { ...base, model_type: 'rerank' };
  return base;
}

/** A RunPod serverless endpoint through its OpenAI-compatible route. */
export function createRunpodInferenceProvider(config: RunpodConfig, options: RunpodProviderOptions = {}): OpenAICompatibleProvider {
  const name = `RunPod provider '${options.providerId ?? 'runpod'}'`;
  if (!config.url) {
    throw new InvalidRequestError(
      `${name}: no URL is configured. Set RUNPOD_URL, or \`url\` in the provider's config, to the endpoint's OpenAI base (https://api.runpod.ai/v2/<endpoint-id>/openai/v1).`,
      { code: 'invalid_config', param: 'url' },
    );
  }
  return createOpenAICompatibleProvider({
    name,
    baseURL: config.url,
    apiKey: () => config.api_token,
    requireApiKey: true,
    providerDataApiKeyField: 'runpod_api_token',
    classifyModel: classifyRunpodModel,
    probeEmbeddingDimensions: true,
    adaptRequest: adaptRunpodRequest,
    fetch: options.fetch,
    logger: options.logger,
  });
}
