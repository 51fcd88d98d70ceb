import { InvalidRequestError, UnsupportedError, createRequestContext, isAsyncIterable, type Logger, type RequestContext, type Resource, type RoutingTable } from '@stack/core';
import type { z } from 'zod';
import type {
  ChatCompletionChunk,
  ChatCompletionRequest,
  CompletionRequest,
  EmbeddingsRequest,
  InferenceApi,
  InferenceProvider,
  ListChatCompletionsQuery,
  RerankRequest,
} from '@stack/inference-api';
import type { InferenceStore } from './inference-store.js';

/**
 * The inference API as served: finds the provider that owns the requested model and hands it
 * the request with the provider's own model id. Responses and stream chunks pass through as the
 * provider produced them.
 */
export class InferenceRouter implements InferenceApi {
  constructor(
    private readonly table: RoutingTable<InferenceProvider>,
    /** Each provider's schema for its part of the `X-LlamaStack-Provider-Data` header. */
    private readonly providerDataSchemas: ReadonlyMap<string, z.ZodType<any, any>> = new Map(),
    /** Where chat completions are kept, when `storage.stores.inference` is configured. */
    private readonly store?: InferenceStore,
    private readonly logger?: Logger,
  ) {}

  async chatCompletion(request: ChatCompletionRequest, context: RequestContext = createRequestContext()) {
    const route = await this.route(request.model, 'chat completions', context);
    const result = await route.provider.chatCompletion({ ...request, model: route.providerResourceId }, context);
    // As in the reference, completions are kept unless the request says `store: false`.
    if (!this.store || request.store === false) return result;
    if (isAsyncIterable<ChatCompletionChunk>(result)) return this.store.recordStream(result, request.messages, request.model, context);
    await this.store.record(result, request.messages, request.model, context).catch((error: unknown) => {
      this.logger?.warn(`Could not queue chat completion ${result.id} for storage: ${(error as Error).message}`);
    });
    return result;
  }

  async listChatCompletions(query: ListChatCompletionsQuery, context: RequestContext = createRequestContext()) {
    return this.requireStore().list(query, context);
  }

  async getChatCompletion(completionId: string, context: RequestContext = createRequestContext()) {
    return this.requireStore().get(completionId, context);
  }

  private requireStore(): InferenceStore {
    if (!this.store) {
      throw new InvalidRequestError('Chat completions are not stored by this stack: configure storage.stores.inference (a SQL store) in the run config.', {
        code: 'inference_store_not_configured',
      });
    }
    return this.store;
  }

  async completion(request: CompletionRequest, context: RequestContext = createRequestContext()) {
    const route = await this.route(request.model, 'completions', context);
    return route.provider.completion({ ...request, model: route.providerResourceId }, context);
  }

  async embeddings(request: EmbeddingsRequest, context: RequestContext = createRequestContext()) {
    const route = await this.route(request.model, 'embeddings', context);
    return route.provider.embeddings({ ...request, model: route.providerResourceId }, context);
  }

  async rerank(request: RerankRequest, context: RequestContext = createRequestContext()) {
    const route = await this.route(request.model, 'rerank', context);
    if (!route.provider.rerank) {
      throw new UnsupportedError(`Provider '${route.providerId}' does not offer rerank; use a model of a provider that does.`, {
        code: 'rerank_unsupported',
        param: 'model',
      });
    }
    return route.provider.rerank({ ...request, model: route.providerResourceId }, context);
  }

  /**
   * Embedding-only models cannot generate text, so chat and completions reject them here, and
   * only rerank models rerank. Embeddings are left to the backend: backends such as vLLM list embedding models without saying
   * so, and many LLMs also embed.
   */
  /**
   * Per-request credentials are checked against the chosen provider's schema before the call,
   * so a wrong type is a 400 naming the field rather than an upstream failure. Values are never
   * echoed: they are secrets.
   */
  private checkProviderData(providerId: string, context: RequestContext) {
    const schema = this.providerDataSchemas.get(providerId);
    if (!schema || context.providerData === undefined) return;
    const result = schema.safeParse(context.providerData);
    if (result.success) return;
    const issue = result.error.issues[0];
    const field = issue?.path.map(String).join('.') || '(root)';
    throw new InvalidRequestError(
      `X-LlamaStack-Provider-Data: '${field}' is not valid for provider '${providerId}': ${issue?.code === 'invalid_type' ? `expected ${(issue as { expected?: string }).expected}` : issue?.message}.`,
      { code: 'invalid_provider_data', param: field },
    );
  }

  private async route(model: string, operation: 'chat completions' | 'completions' | 'embeddings' | 'rerank', context: RequestContext) {
    if (this.table.providerIds.length === 0) {
      throw new InvalidRequestError(
        'No inference provider is configured in this stack. Add one to the run config (providers.inference), or for the starter distribution set OLLAMA_URL, VLLM_URL or OPENAI_API_KEY.',
        { code: 'no_inference_provider', param: 'model' },
      );
    }
    const route = await this.table.route(model, 'model');
    this.checkProviderData(route.providerId, context);
    const modelType = (route.resource as (Resource & { model_type?: string }) | undefined)?.model_type;
    const generating = operation === 'chat completions' || operation === 'completions';
    if ((generating && modelType !== undefined && modelType !== 'llm') || (operation === 'rerank' && modelType !== undefined && modelType !== 'rerank')) {
      throw new InvalidRequestError(`Model '${model}' is a ${modelType} model and cannot serve ${operation}.`, {
        code: 'wrong_model_type',
        param: 'model',
      });
    }
    return route;
  }
}
