import type { Logger, RequestContext } from '@stack/core';
import type { DiscoveredModel, EmbeddingsRequest, EmbeddingsResponse } from '@stack/inference-api';
import {
  createOpenAICompatibleProvider,
  type EmbeddingModelInfo,
  type FetchFunction,
  type OpenAICompatibleProvider,
  type UpstreamModel,
} from '@stack/openai-compatible';
import type { GeminiConfig } from './gemini-config.js';

/** Gemini's OpenAI-compatible endpoint. */
export const geminiBaseURL = 'https://generativelanguage.googleapis.com/v1beta/openai/';

/** Gemini's embedding models (ids as `GET /models` lists them) and their default vector sizes. */
export const geminiEmbeddingModels: Record<string, EmbeddingModelInfo> = {
  'models/text-embedding-004': { embedding_dimension: 768, context_length: 2048 },
  'models/gemini-embedding-001': { embedding_dimension: 3072, context_length: 2048 },
  'models/embedding-001': { embedding_dimension: 768, context_length: 2048 },
};

export interface GeminiProviderOptions {
  /** The `provider_id`, for messages (default `gemini`). */
  providerId?: string;
  logger?: Logger;
  /** Replaces the network layer (tests, proxies). */
  fetch?: FetchFunction;
  /** Replaces Gemini's OpenAI-compatible base URL (tests, gateways). */
  baseURL?: string;
}

/**
 * Known embedding models get their dimensions; other ids naming an embedding model are still
 * embedding models, and their size is learnt by a probe. Everything else is a chat model.
 */
export function classifyGeminiModel(model: UpstreamModel): DiscoveredModel {
  const known = Object.hasOwn(geminiEmbeddingModels, model.id) ? geminiEmbeddingModels[model.id] : undefined;
  if (known) return { provider_resource_id: model.id, model_type: 'embedding', metadata: { ...known } };
  if (/embedding/i.test(model.id)) return { provider_resource_id: model.id, model_type: 'embedding', metadata: {} };
  return { provider_resource_id: model.id, model_type: 'llm', metadata: {} };
}

function encodeFloat32Base64(vector: number[]): string {
  return Buffer.from(new Float32Array(vector).buffer).toString('base64');
}

/** Google AI Studio's Gemini models through the OpenAI-compatible endpoint. */
export function createGeminiInferenceProvider(config: GeminiConfig, options: GeminiProviderOptions = {}): OpenAICompatibleProvider {
  const core = createOpenAICompatibleProvider({
    name: `Gemini provider '${options.providerId ?? 'gemini'}'`,
    baseURL: options.baseURL ?? geminiBaseURL,
    // The endpoint takes an API key and an OAuth token alike as a bearer token.
    apiKey: () => config.access_token ?? config.api_key,
    requireApiKey: true,
    providerDataApiKeyField: 'gemini_api_key',
    headers: config.project ? { 'x-goog-user-project': config.project } : undefined,
    fetch: options.fetch,
    classifyModel: classifyGeminiModel,
    probeEmbeddingDimensions: true,
    logger: options.logger,
  });

  return {
    ...core,
    /**
     * Gemini's layer is not documented to honour `encoding_format` and leaves `usage` out, so
     * floats are always asked for, base64 is encoded here, and a missing usage reads as zero.
     */
    async embeddings(request: EmbeddingsRequest, context: RequestContext): Promise<EmbeddingsResponse> {
      const { encoding_format: encoding, ...rest } = request as EmbeddingsRequest & { encoding_format?: string };
      const response = await core.embeddings({ ...rest, encoding_format: 'float' } as EmbeddingsRequest, context);
      const data = (response.data ?? []).map((item, index) => {
        const vector = item.embedding as number[] | string;
        const embedding = encoding === 'base64' && Array.isArray(vector) ? encodeFloat32Base64(vector) : vector;
        return { object: 'embedding' as const, embedding, index };
      });
      return {
        object: 'list',
        data,
        model: response.model ?? request.model,
        usage: response.usage ?? { prompt_tokens: 0, total_tokens: 0 },
      } as EmbeddingsResponse;
    },
  };
}
