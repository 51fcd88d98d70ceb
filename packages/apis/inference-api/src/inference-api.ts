import type { ProviderInstanceHooks, RequestContext } from '@stack/core';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
  Completion,
  CompletionRequest,
  EmbeddingsRequest,
  EmbeddingsResponse,
  ChatCompletionWithInputMessages,
  ListChatCompletionsQuery,
  ListChatCompletionsResponse,
  RerankRequest,
  RerankResponse,
} from './schemas/index.js';

/**
 * The inference API as clients see it: OpenAI-compatible chat completions, completions and
 * embeddings. `model` names a registered model (or `provider_id/provider_model_id`). A request
 * with `stream: true` answers with an async iterable of chunks.
 */
export interface InferenceApi {
  chatCompletion(
    request: ChatCompletionRequest,
    context?: RequestContext,
  ): Promise<ChatCompletion | AsyncIterable<ChatCompletionChunk>>;
  completion(request: CompletionRequest, context?: RequestContext): Promise<Completion | AsyncIterable<Completion>>;
  embeddings(request: EmbeddingsRequest, context?: RequestContext): Promise<EmbeddingsResponse>;
  /** Orders `items` by relevance to `query`, most relevant first (`/v1alpha/inference/rerank`). */
  rerank(request: RerankRequest, context?: RequestContext): Promise<RerankResponse>;
  /** Stored chat completions, newest first unless `order: 'asc'`, visible to their owner. */
  listChatCompletions(query: ListChatCompletionsQuery, context?: RequestContext): Promise<ListChatCompletionsResponse>;
  getChatCompletion(completionId: string, context?: RequestContext): Promise<ChatCompletionWithInputMessages>;
}

export type ModelType = 'llm' | 'embedding' | 'rerank';

/** A model a provider found on its backend, before it is registered as `provider_id/...`. */
export interface DiscoveredModel {
  /** The backend's own id for the model. */
  provider_resource_id: string;
  model_type: ModelType;
  /** e.g. `embedding_dimension` for embedding models, `context_length`. */
  metadata?: Record<string, unknown>;
}

/**
 * What an inference provider implements. The router has already replaced `model` with the
 * provider's own id (`provider_resource_id`), and always passes a context.
 */
export interface InferenceProvider extends ProviderInstanceHooks {
  chatCompletion(
    request: ChatCompletionRequest,
    context: RequestContext,
  ): Promise<ChatCompletion | AsyncIterable<ChatCompletionChunk>>;
  completion(request: CompletionRequest, context: RequestContext): Promise<Completion | AsyncIterable<Completion>>;
  embeddings(request: EmbeddingsRequest, context: RequestContext): Promise<EmbeddingsResponse>;
  /** Only providers whose backends rerank implement this; the router answers for the others. */
  rerank?(request: RerankRequest, context: RequestContext): Promise<RerankResponse>;
  /** The models the backend serves; called at startup and on refresh. */
  listModels?(context?: RequestContext): Promise<DiscoveredModel[]>;
}
