import type { RequestContext } from '@stack/core';
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
  VectorStoreDeleteResponse,
  VectorStoreFileBatchObject,
  VectorStoreFileContentResponse,
  VectorStoreFileDeleteResponse,
  VectorStoreFileObject,
  VectorStoreObject,
  VectorStoreSearchResponse,
} from './schemas.js';

/**
 * The Vector IO API as clients see it: OpenAI's vector stores, their files and file batches,
 * search, and raw chunk insert/query. Unknown vector stores, files and batches throw
 * `InvalidRequestError` with code `not_found` (OpenAI and the reference answer 400 on these routes).
 */
export interface VectorIoApi {
  createVectorStore(request: CreateVectorStoreRequest, context?: RequestContext): Promise<VectorStoreObject>;
  listVectorStores(query?: ListQuery, context?: RequestContext): Promise<ListPage<VectorStoreObject>>;
  retrieveVectorStore(vectorStoreId: string, context?: RequestContext): Promise<VectorStoreObject>;
  updateVectorStore(vectorStoreId: string, request: UpdateVectorStoreRequest, context?: RequestContext): Promise<VectorStoreObject>;
  deleteVectorStore(vectorStoreId: string, context?: RequestContext): Promise<VectorStoreDeleteResponse>;
  searchVectorStore(vectorStoreId: string, request: SearchVectorStoreRequest, context?: RequestContext): Promise<VectorStoreSearchResponse>;

  attachFile(vectorStoreId: string, request: AttachFileRequest, context?: RequestContext): Promise<VectorStoreFileObject>;
  listFiles(vectorStoreId: string, query?: ListVectorStoreFilesQuery, context?: RequestContext): Promise<ListPage<VectorStoreFileObject>>;
  retrieveFile(vectorStoreId: string, fileId: string, context?: RequestContext): Promise<VectorStoreFileObject>;
  retrieveFileContent(vectorStoreId: string, fileId: string, context?: RequestContext): Promise<VectorStoreFileContentResponse>;
  updateFile(vectorStoreId: string, fileId: string, request: UpdateVectorStoreFileRequest, context?: RequestContext): Promise<VectorStoreFileObject>;
  deleteFile(vectorStoreId: string, fileId: string, context?: RequestContext): Promise<VectorStoreFileDeleteResponse>;

  createFileBatch(vectorStoreId: string, request: CreateFileBatchRequest, context?: RequestContext): Promise<VectorStoreFileBatchObject>;
  retrieveFileBatch(vectorStoreId: string, batchId: string, context?: RequestContext): Promise<VectorStoreFileBatchObject>;
  listFilesInBatch(vectorStoreId: string, batchId: string, query?: ListVectorStoreFilesQuery, context?: RequestContext): Promise<ListPage<VectorStoreFileObject>>;
  cancelFileBatch(vectorStoreId: string, batchId: string, context?: RequestContext): Promise<VectorStoreFileBatchObject>;

  /** Inserts (or replaces, by `chunk_id`) raw chunks; chunks without an embedding are embedded. */
  insertChunks(request: InsertChunksRequest, context?: RequestContext): Promise<void>;
  queryChunks(request: QueryChunksRequest, context?: RequestContext): Promise<QueryChunksResponse>;
}

/**
 * What a vector-io provider's `create` returns: the whole API for the vector stores it holds.
 * The stack's router picks the provider for a new store (the request's `provider_id`, the run
 * config's `vector_stores.default_provider_id`, or the only provider) and routes every later call
 * by the store's registration. `createVectorStore` receives the id the router chose in `id`.
 */
export interface VectorIoProvider extends VectorIoApi {
  createVectorStore(request: CreateVectorStoreRequest & { id?: string }, context?: RequestContext): Promise<VectorStoreObject>;
}

/** Defaults a vector-io provider takes from the run config's `vector_stores:` section. */
export interface VectorStoresDefaults {
  /** `vector_stores.default_embedding_model`: `provider_id/model_id` or a registered model id. */
  defaultEmbeddingModel?: string | undefined;
  /** `vector_stores.default_provider_id`. */
  defaultProviderId?: string | undefined;
}
