import { randomBytes } from 'node:crypto';
import {
  InvalidRequestError,
  UnsupportedError,
  type Logger,
  type RequestContext,
  type Resource,
  type ResourceRegistry,
} from '@stack/core';
import type {
  AttachFileRequest,
  CreateFileBatchRequest,
  CreateVectorStoreRequest,
  InsertChunksRequest,
  ListPage,
  ListQuery,
  ListVectorStoreFilesQuery,
  QueryChunksRequest,
  QueryChunksResponse,
  SearchVectorStoreRequest,
  UpdateVectorStoreFileRequest,
  UpdateVectorStoreRequest,
  VectorIoApi,
  VectorIoProvider,
  VectorStoreDeleteResponse,
  VectorStoreFileBatchObject,
  VectorStoreFileContentResponse,
  VectorStoreFileDeleteResponse,
  VectorStoreFileObject,
  VectorStoreObject,
  VectorStoreSearchResponse,
} from '@stack/vector-io-api';
import type { ModelResource } from './models-service.js';

/** The run config's `vector_stores:` section. */
export interface VectorStoresSettings {
  default_provider_id?: string | null | undefined;
  /** `{provider_id, model_id}` as in the reference, or a model identifier. */
  default_embedding_model?: { provider_id?: string | null; model_id: string } | string | null | undefined;
}

export interface VectorStoreResource extends Resource {
  type: 'vector_store';
  embedding_model: string;
  embedding_dimension?: number | undefined;
  vector_store_name?: string | undefined;
}

/**
 * Routes the Vector IO API: a new store goes to the requested, configured-default or only
 * provider and is registered as a `vector_store` resource; every later call is routed by that
 * registration. Unknown stores are 400s with code `not_found`, as OpenAI answers.
 */
export class VectorIoRouter implements VectorIoApi {
  constructor(
    private readonly registry: ResourceRegistry,
    private readonly providers: ReadonlyMap<string, VectorIoProvider>,
    private readonly settings: VectorStoresSettings,
    private readonly logger: Logger,
  ) {}

  async createVectorStore(request: CreateVectorStoreRequest & { id?: string }, context?: RequestContext): Promise<VectorStoreObject> {
    const providerId = this.chooseProvider(request.provider_id);
    const provider = this.providers.get(providerId) as VectorIoProvider;
    const embeddingModel = request.embedding_model ?? (await this.defaultEmbeddingModel());
    const model = await this.registry.get<ModelResource>('model', embeddingModel);
    if (model && model.model_type !== 'embedding') {
      throw new InvalidRequestError(`Model '${embeddingModel}' is a ${model.model_type} model, not an embedding model.`, { param: 'embedding_model' });
    }
    const dimension = request.embedding_dimension ?? numberOr(model?.metadata?.embedding_dimension);
    const id = request.id ?? `vs_${randomBytes(12).toString('hex')}`;
    if (await this.registry.get('vector_store', id)) {
      throw new InvalidRequestError(`Vector store '${id}' already exists.`, { code: 'already_exists', param: 'vector_store_id' });
    }
    const store = await provider.createVectorStore({ ...request, id, provider_id: providerId, embedding_model: embeddingModel, ...(dimension ? { embedding_dimension: dimension } : {}) }, context);
    try {
      await this.registry.register<VectorStoreResource>({
        type: 'vector_store',
        identifier: store.id,
        provider_id: providerId,
        provider_resource_id: store.id,
        embedding_model: embeddingModel,
        embedding_dimension: dimension,
        vector_store_name: store.name ?? undefined,
        owner: context?.user,
        source: 'api',
      });
    } catch (error) {
      await provider.deleteVectorStore(store.id, context).catch((cleanupError: unknown) =>
        this.logger.warn(`Removing vector store '${store.id}' after a failed registration failed`, { error: String(cleanupError) }),
      );
      throw error;
    }
    return store;
  }

  async listVectorStores(query: ListQuery = {}, context?: RequestContext): Promise<ListPage<VectorStoreObject>> {
    if (this.providers.size === 1) return (this.providers.values().next().value as VectorIoProvider).listVectorStores(query, context);
    const all: VectorStoreObject[] = [];
    for (const provider of this.providers.values()) {
      let after: string | undefined;
      for (;;) {
        const page = await provider.listVectorStores({ limit: 100, order: 'asc', after }, context);
        all.push(...page.data);
        if (!page.has_more || !page.last_id) break;
        after = page.last_id;
      }
    }
    all.sort((a, b) => a.created_at - b.created_at || a.id.localeCompare(b.id));
    return pageOf(all, query);
  }

  async retrieveVectorStore(vectorStoreId: string, context?: RequestContext): Promise<VectorStoreObject> {
    return (await this.route(vectorStoreId)).retrieveVectorStore(vectorStoreId, context);
  }

  async updateVectorStore(vectorStoreId: string, request: UpdateVectorStoreRequest, context?: RequestContext): Promise<VectorStoreObject> {
    const store = await (await this.route(vectorStoreId)).updateVectorStore(vectorStoreId, request, context);
    const resource = await this.registry.get<VectorStoreResource>('vector_store', vectorStoreId);
    if (resource && request.name !== undefined) await this.registry.put({ ...resource, vector_store_name: store.name ?? undefined });
    return store;
  }

  async deleteVectorStore(vectorStoreId: string, context?: RequestContext): Promise<VectorStoreDeleteResponse> {
    const result = await (await this.route(vectorStoreId)).deleteVectorStore(vectorStoreId, context);
    await this.registry.unregister('vector_store', vectorStoreId);
    return result;
  }

  async searchVectorStore(vectorStoreId: string, request: SearchVectorStoreRequest, context?: RequestContext): Promise<VectorStoreSearchResponse> {
    return (await this.route(vectorStoreId)).searchVectorStore(vectorStoreId, request, context);
  }

  async attachFile(vectorStoreId: string, request: AttachFileRequest, context?: RequestContext): Promise<VectorStoreFileObject> {
    return (await this.route(vectorStoreId)).attachFile(vectorStoreId, request, context);
  }

  async listFiles(vectorStoreId: string, query?: ListVectorStoreFilesQuery, context?: RequestContext): Promise<ListPage<VectorStoreFileObject>> {
    return (await this.route(vectorStoreId)).listFiles(vectorStoreId, query, context);
  }

  async retrieveFile(vectorStoreId: string, fileId: string, context?: RequestContext): Promise<VectorStoreFileObject> {
    return (await this.route(vectorStoreId)).retrieveFile(vectorStoreId, fileId, context);
  }

  async retrieveFileContent(vectorStoreId: string, fileId: string, context?: RequestContext): Promise<VectorStoreFileContentResponse> {
    return (await this.route(vectorStoreId)).retrieveFileContent(vectorStoreId, fileId, context);
  }

  async updateFile(vectorStoreId: string, fileId: string, request: UpdateVectorStoreFileRequest, context?: RequestContext): Promise<VectorStoreFileObject> {
    return (await this.route(vectorStoreId)).updateFile(vectorStoreId, fileId, request, context);
  }

  async deleteFile(vectorStoreId: string, fileId: string, context?: RequestContext): Promise<VectorStoreFileDeleteResponse> {
    return (await this.route(vectorStoreId)).deleteFile(vectorStoreId, fileId, context);
  }

  async createFileBatch(vectorStoreId: string, request: CreateFileBatchRequest, context?: RequestContext): Promise<VectorStoreFileBatchObject> {
    return (await this.route(vectorStoreId)).createFileBatch(vectorStoreId, request, context);
  }

  async retrieveFileBatch(vectorStoreId: string, batchId: string, context?: RequestContext): Promise<VectorStoreFileBatchObject> {
    return (await this.route(vectorStoreId)).retrieveFileBatch(vectorStoreId, batchId, context);
  }

  async listFilesInBatch(vectorStoreId: string, batchId: string, query?: ListVectorStoreFilesQuery, context?: RequestContext): Promise<ListPage<VectorStoreFileObject>> {
    return (await this.route(vectorStoreId)).listFilesInBatch(vectorStoreId, batchId, query, context);
  }

  async cancelFileBatch(vectorStoreId: string, batchId: string, context?: RequestContext): Promise<VectorStoreFileBatchObject> {
    return (await this.route(vectorStoreId)).cancelFileBatch(vectorStoreId, batchId, context);
  }

  async insertChunks(request: InsertChunksRequest, context?: RequestContext): Promise<void> {
    return (await this.route(request.vector_store_id)).insertChunks(request, context);
  }

  async queryChunks(request: QueryChunksRequest, context?: RequestContext): Promise<QueryChunksResponse> {
    return (await this.route(request.vector_store_id)).queryChunks(request, context);
  }

  /** Registers the run config's `registered_resources.vector_stores` that do not exist yet. */
  async registerConfiguredStores(entries: readonly Record<string, unknown>[]): Promise<void> {
    for (const entry of entries) {
      const id = String(entry.vector_store_id ?? entry.vector_db_id ?? '');
      if (!id || (await this.registry.get('vector_store', id))) continue;
      await this.createVectorStore({
        id,
        name: typeof entry.vector_store_name === 'string' ? entry.vector_store_name : id,
        provider_id: typeof entry.provider_id === 'string' ? entry.provider_id : undefined,
        embedding_model: typeof entry.embedding_model === 'string' ? entry.embedding_model : undefined,
        embedding_dimension: numberOr(entry.embedding_dimension),
      });
    }
  }

  private chooseProvider(requested: string | undefined): string {
    const known = [...this.providers.keys()];
    if (known.length === 0) {
      throw new UnsupportedError('This stack has no vector-io provider. Add one under providers.vector_io (e.g. inline::sqlite-vec).', { code: 'no_vector_io_provider' });
    }
    const chosen = requested ?? this.settings.default_provider_id ?? (known.length === 1 ? known[0] : undefined);
    if (!chosen) {
      throw new InvalidRequestError(`Several vector-io providers are configured (${known.join(', ')}); name one in 'provider_id' or set vector_stores.default_provider_id.`, {
        param: 'provider_id',
      });
    }
    if (!this.providers.has(chosen)) {
      throw new InvalidRequestError(`Unknown vector-io provider '${chosen}'. Known: ${known.join(', ')}.`, { param: 'provider_id' });
    }
    return chosen;
  }

  private async defaultEmbeddingModel(): Promise<string> {
    const configured = this.settings.default_embedding_model;
    if (typeof configured === 'string' && configured) return configured;
    if (configured && typeof configured === 'object') {
      return configured.provider_id ? `${configured.provider_id}/${configured.model_id}` : configured.model_id;
    }
    const models = await this.registry.list<ModelResource>('model');
    const embedding = models.find((model) => model.model_type === 'embedding');
    if (!embedding) {
      throw new InvalidRequestError('No embedding model: name one in `embedding_model`, set vector_stores.default_embedding_model, or register an embedding model.', {
        param: 'embedding_model',
      });
    }
    return embedding.identifier;
  }

  private async route(vectorStoreId: string): Promise<VectorIoProvider> {
    const resource = await this.registry.get<VectorStoreResource>('vector_store', vectorStoreId);
    if (!resource) throw new InvalidRequestError(`Vector store '${vectorStoreId}' not found.`, { code: 'not_found', param: 'vector_store_id' });
    const provider = this.providers.get(resource.provider_id);
    if (!provider) {
      throw new InvalidRequestError(`Vector store '${vectorStoreId}' belongs to provider '${resource.provider_id}', which this stack no longer has.`, {
        code: 'provider_unavailable',
        param: 'vector_store_id',
      });
    }
    return provider;
  }
}

function numberOr(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}

/** Cursor pagination over items sorted ascending by creation. */
function pageOf<T extends { id: string }>(ascending: T[], query: ListQuery): ListPage<T> {
  const ordered = query.order === 'asc' ? ascending : [...ascending].reverse();
  let start = 0;
  let end = ordered.length;
  if (query.after) {
    const index = ordered.findIndex((item) => item.id === query.after);
    if (index < 0) throw new InvalidRequestError(`Cursor 'after=${query.after}' does not name a vector store.`, { param: 'after' });
    start = index + 1;
  }
  if (query.before) {
    const index = ordered.findIndex((item) => item.id === query.before);
    if (index < 0) throw new InvalidRequestError(`Cursor 'before=${query.before}' does not name a vector store.`, { param: 'before' });
    end = index;
  }
  const limit = query.limit ?? 20;
  const data = ordered.slice(start, Math.max(start, end)).slice(0, limit);
  return { object: 'list', data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more: start + data.length < end };
}
