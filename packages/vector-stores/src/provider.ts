import { randomUUID } from 'node:crypto';
import {
  ConflictError,
  InvalidRequestError,
  NotFoundError,
  nowSeconds,
  type KVStore,
  type Logger,
  type RequestContext, KeyedMutex } from '@stack/core';
import type { FilesApi } from '@stack/files-api';
import type { InferenceApi } from '@stack/inference-api';
import {
  AUTO_CHUNKING_STRATEGY,
  chunkingStrategySchema,
  interleavedContentText,
  searchRequestSchema,
  type AttachFileRequest,
  type Attributes,
  type AttributeFilter,
  type Chunk,
  type ChunkingStrategy,
  type CreateFileBatchRequest,
  type CreateVectorStoreRequest,
  type HybridRanker,
  type IndexedChunk,
  type IndexHit,
  type InsertChunksRequest,
  type ListPage,
  type ListQuery,
  type ListVectorStoreFilesQuery,
  type QueryChunksRequest,
  type QueryChunksResponse,
  type SearchMode,
  type SearchVectorStoreRequest,
  type UpdateVectorStoreFileRequest,
  type UpdateVectorStoreRequest,
  type VectorIndexBackend,
  type VectorIoProvider,
  type VectorStoreDeleteResponse,
  type VectorStoreFileBatchObject,
  type VectorStoreFileContentResponse,
  type VectorStoreFileDeleteResponse,
  type VectorStoreFileObject,
  type VectorStoreObject,
  type VectorStoreSearchResponse,
  type VectorStoreSearchResult,
} from '@stack/vector-io-api';
import { Embedder } from './embedder.js';
import { fileLockKey, ingestFile, jobKey, type IngestionDeps, type IngestionJob } from './ingestion.js';
import { paginate } from './list-pages.js';
import { batchObject, expiresAt, fileObject, isExpired, storeObject } from './objects.js';
import { modelRewrite, ruleBasedRewrite } from './query-rewrite.js';
import { VectorStoreRecords, type StoredFileBatch, type StoredVectorStore, type StoredVectorStoreFile } from './records.js';
import { WorkQueue } from './work-queue.js';

export interface VectorStoreProviderOptions {
  /** The provider's `provider_id`, kept in each store's record. */
  providerId: string;
  /** Where chunks and vectors live; the provider package supplies it. */
  backend: VectorIndexBackend;
  /** Persistence for stores, files and batches. */
  kv: KVStore;
  /** Embeddings, and chat completions for model-based query rewriting. */
  inference: Pick<InferenceApi, 'embeddings' | 'chatCompletion'>;
  /** File contents for ingestion; without it, attaching files is refused naming the missing API. */
  files?: FilesApi | undefined;
  logger: Logger;
  /** Files ingested at once across the provider (default 3). */
  maxConcurrentFiles?: number;
  /** Texts per embeddings request (default 64). */
  embeddingBatchSize?: number;
  /** A chat model for `rewrite_query`; without it the rewrite is rule-based. */
  rewriteQueryModel?: string;
  /** Seconds since the epoch (default: the system clock); tests pass their own to check expiry. */
  clock?: () => number;
}

/** A vector-io provider instance: the whole Vector IO API plus lifecycle hooks. */
export type VectorStoreProvider = VectorIoProvider & {
  /** Stops ingestion (waiting for running files to stop) and closes the backend. Unfinished files stay `in_progress` and resume on the next start. */
  close(): Promise<void>;
  /** Settles when queued ingestion is done (tests, benchmarks). */
  idle(): Promise<void>;
};

const DEFAULT_MAX_CONCURRENT_FILES = 3;
const DEFAULT_EMBEDDING_BATCH_SIZE = 64;
const DEFAULT_MAX_RESULTS = 10;
const FILE_CHECK_CONCURRENCY = 16;

type StaticChunking = Extract<ChunkingStrategy, { type: 'static' }>;

const storeLockKey = (storeId: string) => `store\0${storeId}`;
const batchLockKey = (storeId: string, batchId: string) => `batch\0${storeId}\0${batchId}`;
const randomHex = () => randomUUID().replaceAll('-', '');

function storeNotFound(storeId: string): InvalidRequestError {
  return new InvalidRequestError(`Vector store '${storeId}' not found.`, { code: 'not_found', param: 'vector_store_id' });
}

function fileNotFound(storeId: string, fileId: string): InvalidRequestError {
  return new InvalidRequestError(`File '${fileId}' not found in vector store '${storeId}'.`, { code: 'not_found', param: 'file_id' });
}

function batchNotFound(storeId: string, batchId: string): InvalidRequestError {
  return new InvalidRequestError(`File batch '${batchId}' not found in vector store '${storeId}'.`, { code: 'not_found', param: 'batch_id' });
}

/** `auto` (or nothing) becomes the static strategy it stands for; static settings get their defaults and checks. */
function resolveChunking(strategy: unknown, param: string): StaticChunking {
  if (strategy === undefined || strategy === null) return structuredClone(AUTO_CHUNKING_STRATEGY) as StaticChunking;
  const parsed = chunkingStrategySchema.safeParse(strategy);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = [param, ...(issue?.path ?? []).map(String)].join('.');
    throw new InvalidRequestError(`Invalid ${path}: ${issue?.message ?? 'invalid value'}`, { param: path });
  }
  return parsed.data.type === 'auto' ? (structuredClone(AUTO_CHUNKING_STRATEGY) as StaticChunking) : parsed.data;
}

/** The scalar entries of a raw chunk's metadata: what filters can see. */
function scalarAttributes(metadata: Record<string, unknown> | undefined): Attributes {
  const attributes: Attributes = {};
  for (const [key, value] of Object.entries(metadata ?? {})) {
    if (typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) attributes[key] = value;
  }
  return attributes;
}

function withoutEmbedding(chunk: Chunk): Chunk {
  const { embedding: _embedding, ...rest } = chunk;
  return rest;
}

function hybridRanker(type: string | undefined, impactFactor: number | undefined, alpha: number | undefined): HybridRanker {
  return type === 'weighted' ? { type: 'weighted', alpha } : { type: 'rrf', impactFactor };
}

async function mapLimit<T, R>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await task(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

interface FileToAttach {
  fileId: string;
  attributes: Attributes;
  chunking: StaticChunking;
  param: string;
}

/**
 * Builds a whole `VectorIoProvider` on an index backend: OpenAI vector stores, their files and
 * file batches, background ingestion (at most `maxConcurrentFiles` files at once), search, and raw
 * chunk insert/query. Stores, files and batches are persisted in `kv`; on creation, files left
 * `in_progress` by a previous run are ingested again from scratch (their partial chunks removed
 * first), so a restart finishes ingestion with nothing duplicated or lost.
 *
 * A completed file's `usage_bytes` is the UTF-8 size of the text extracted from it (what was
 * indexed), and a store's `usage_bytes` is the sum over its completed files.
 */
export async function createVectorStoreProvider(options: VectorStoreProviderOptions): Promise<VectorStoreProvider> {
  const { backend, files, inference, providerId } = options;
  const logger = options.logger;
  const clock = options.clock ?? nowSeconds;
  const records = new VectorStoreRecords(options.kv);
  const locks = new KeyedMutex();
  const embeddingBatchSize = options.embeddingBatchSize ?? DEFAULT_EMBEDDING_BATCH_SIZE;
  const embedder = new Embedder(inference, embeddingBatchSize);
  const deps: IngestionDeps = { backend, records, files, embedder, embeddingBatchSize, locks, logger, clock };
  const queue = new WorkQueue<IngestionJob>(
    options.maxConcurrentFiles ?? DEFAULT_MAX_CONCURRENT_FILES,
    (job, signal) => ingestFile(deps, job, signal),
    logger,
  );
  let closed = false;

  const enqueue = (job: IngestionJob) => queue.enqueue(jobKey(job.storeId, job.fileId), job);

  const requireStore = async (storeId: string): Promise<StoredVectorStore> => {
    const store = await records.getStore(storeId);
    if (!store) throw storeNotFound(storeId);
    return store;
  };

  const requireActive = (store: StoredVectorStore): void => {
    const now = clock();
    if (isExpired(store, now)) {
      throw new InvalidRequestError(
        `Vector store '${store.id}' expired at ${expiresAt(store)}; update its expires_after to use it again.`,
        { code: 'vector_store_expired', param: 'vector_store_id' },
      );
    }
  };

  const requireFile = async (storeId: string, fileId: string): Promise<StoredVectorStoreFile> => {
    const file = await records.getFile(storeId, fileId);
    if (!file) throw fileNotFound(storeId, fileId);
    return file;
  };

  const requireBatch = async (storeId: string, batchId: string): Promise<StoredFileBatch> => {
    const batch = await records.getBatch(storeId, batchId);
    if (!batch) throw batchNotFound(storeId, batchId);
    return batch;
  };

  const requireFilesApi = (param: string): FilesApi => {
    if (!files) {
      throw new InvalidRequestError('Attaching files to a vector store needs the files API, which this stack does not provide; configure a files provider.', {
        param,
      });
    }
    return files;
  };

  /** Checks that every file exists in the files API; answers their file names. Nothing is written. */
  const checkFiles = async (entries: readonly FileToAttach[], context: RequestContext | undefined): Promise<Map<string, string>> => {
    const names = new Map<string, string>();
    if (entries.length === 0) return names;
    const api = requireFilesApi(entries[0]?.param ?? 'file_ids');
    await mapLimit(entries, FILE_CHECK_CONCURRENCY, async (entry) => {
      try {
        const file = await api.retrieveFile(entry.fileId, context);
        names.set(entry.fileId, file.filename);
      } catch (error) {
        if (NotFoundError.isInstance(error)) {
          throw new InvalidRequestError(`File '${entry.fileId}' not found.`, { code: 'not_found', param: entry.param, cause: error });
        }
        throw error;
      }
    });
    return names;
  };

  /** Records a new file as `in_progress` and queues its ingestion; the caller holds the file's lock and checked it is new. */
  const attachNew = async (
    store: StoredVectorStore,
    entry: FileToAttach,
    filename: string,
    batchId: string | undefined,
    context: RequestContext | undefined,
  ): Promise<StoredVectorStoreFile> => {
    const record: StoredVectorStoreFile = {
      id: entry.fileId,
      vector_store_id: store.id,
      created_at: clock(),
      status: 'in_progress',
      last_error: null,
      usage_bytes: 0,
      attributes: entry.attributes,
      chunking_strategy: entry.chunking,
      filename,
      batch_id: batchId,
    };
    await records.putFile(record);
    enqueue({ storeId: store.id, fileId: entry.fileId, user: context?.user });
    return record;
  };

  /** Attaches files not attached yet (files already attached are left as they are). */
  const attachAll = async (
    store: StoredVectorStore,
    entries: readonly FileToAttach[],
    names: ReadonlyMap<string, string>,
    batchId: string | undefined,
    context: RequestContext | undefined,
  ) => {
    for (const entry of entries) {
      await locks.run(fileLockKey(store.id, entry.fileId), async () => {
        if (await records.getFile(store.id, entry.fileId)) return;
        await attachNew(store, entry, names.get(entry.fileId) ?? entry.fileId, batchId, context);
      });
    }
  };

  /** Moves `last_active_at` to now (which also pushes `expires_at` back). */
  const touch = (storeId: string): Promise<StoredVectorStore | undefined> =>
    locks.run(storeLockKey(storeId), async () => {
      const store = await records.getStore(storeId);
      if (!store) return undefined;
      const now = clock();
      if (store.last_active_at === now) return store;
      const updated = { ...store, last_active_at: now };
      await records.putStore(updated);
      return updated;
    });

  const toStoreObject = async (store: StoredVectorStore): Promise<VectorStoreObject> => storeObject(store, await records.listFiles(store.id), clock());

  const batchFiles = async (batch: StoredFileBatch): Promise<StoredVectorStoreFile[]> => {
    const members = new Set(batch.file_ids);
    return (await records.listFiles(batch.vector_store_id)).filter((file) => members.has(file.id));
  };

  const dedupe = (entries: FileToAttach[]): FileToAttach[] => {
    const seen = new Set<string>();
    return entries.filter((entry) => !seen.has(entry.fileId) && (seen.add(entry.fileId), true));
  };

  /** Runs a query against the store's index, embedding the text when the mode needs a vector. */
  const runQuery = async (
    store: StoredVectorStore,
    query: { mode: SearchMode; text: string; k: number; filters?: AttributeFilter | undefined; scoreThreshold?: number | undefined; ranker: HybridRanker },
    context: RequestContext | undefined,
  ): Promise<IndexHit[]> => {
    let embedding: Float32Array | undefined;
    if (query.mode !== 'keyword') {
      [embedding] = await embedder.embed(store.embedding_model, [query.text], { context, expectedDimension: store.embedding_dimension });
    }
    return backend.query(store.id, {
      mode: query.mode,
      embedding,
      text: query.text,
      k: query.k,
      filters: query.filters,
      scoreThreshold: query.scoreThreshold,
      ranker: query.mode === 'hybrid' ? query.ranker : undefined,
    });
  };

  const rewriteQuery = (text: string, context: RequestContext | undefined): Promise<string> =>
    options.rewriteQueryModel ? modelRewrite(inference, options.rewriteQueryModel, text, context) : Promise.resolve(ruleBasedRewrite(text));

  const provider: VectorStoreProvider = {
    async createVectorStore(request: CreateVectorStoreRequest & { id?: string }, context?: RequestContext): Promise<VectorStoreObject> {
      const model = request.embedding_model;
      if (!model) {
        throw new InvalidRequestError('embedding_model is required: name the embedding model for this vector store (or configure vector_stores.default_embedding_model).', {
          param: 'embedding_model',
        });
      }
      if (request.embedding_dimension !== undefined && !(Number.isInteger(request.embedding_dimension) && request.embedding_dimension > 0)) {
        throw new InvalidRequestError('embedding_dimension must be a positive integer.', { param: 'embedding_dimension' });
      }
      const chunking = resolveChunking(request.chunking_strategy, 'chunking_strategy');
      const entries = dedupe(
        (request.file_ids ?? []).map((fileId, index) => ({ fileId, attributes: {}, chunking, param: `file_ids[${index}]` })),
      );
      const names = await checkFiles(entries, context);
      const dimension = request.embedding_dimension ?? (await embedder.dimensionOf(model, context));
      const id = request.id ?? `vs_${randomHex()}`;
      const store = await locks.run(storeLockKey(id), async () => {
        if (await records.getStore(id)) throw new ConflictError(`Vector store '${id}' already exists.`, { param: 'id' });
        await backend.createIndex({ vectorStoreId: id, dimension, embeddingModel: model });
        const now = clock();
        const created: StoredVectorStore = {
          id,
          created_at: now,
          name: request.name ?? null,
          metadata: request.metadata ?? {},
          expires_after: request.expires_after ?? null,
          last_active_at: now,
          embedding_model: model,
          embedding_dimension: dimension,
          provider_id: providerId,
        };
        try {
          await records.putStore(created);
        } catch (error) {
          await backend.deleteIndex(id).catch(() => undefined);
          throw error;
        }
        return created;
      });
      await attachAll(store, entries, names, undefined, context);
      logger.debug('Created a vector store.', { vector_store_id: id, embedding_model: model, embedding_dimension: dimension, files: entries.length });
      return toStoreObject(store);
    },

    async listVectorStores(query: ListQuery = {}): Promise<ListPage<VectorStoreObject>> {
      const page = paginate(await records.listStores(), query, (store) => ({ id: store.id, createdAt: store.created_at }));
      return { ...page, data: await Promise.all(page.data.map(toStoreObject)) };
    },

    async retrieveVectorStore(vectorStoreId: string): Promise<VectorStoreObject> {
      return toStoreObject(await requireStore(vectorStoreId));
    },

    async updateVectorStore(vectorStoreId: string, request: UpdateVectorStoreRequest): Promise<VectorStoreObject> {
      const updated = await locks.run(storeLockKey(vectorStoreId), async () => {
        const store = await requireStore(vectorStoreId);
        const next: StoredVectorStore = { ...store };
        if (request.name !== undefined) next.name = request.name;
        if (request.metadata !== undefined) next.metadata = request.metadata ?? {};
        if (request.expires_after !== undefined) next.expires_after = request.expires_after;
        await records.putStore(next);
        return next;
      });
      return toStoreObject(updated);
    },

    async deleteVectorStore(vectorStoreId: string): Promise<VectorStoreDeleteResponse> {
      await requireStore(vectorStoreId);
      await queue.abortWhere((job) => job.storeId === vectorStoreId, `Vector store '${vectorStoreId}' was deleted.`);
      // The store disappears first; files and batches left behind by a crash here are dropped at the next start.
      await locks.run(storeLockKey(vectorStoreId), () => records.deleteStore(vectorStoreId));
      await backend.deleteIndex(vectorStoreId);
      for (const file of await records.listFiles(vectorStoreId)) await records.deleteFile(vectorStoreId, file.id);
      await records.deleteBatches(vectorStoreId);
      return { id: vectorStoreId, object: 'vector_store.deleted', deleted: true };
    },

    async searchVectorStore(vectorStoreId: string, request: SearchVectorStoreRequest, context?: RequestContext): Promise<VectorStoreSearchResponse> {
      const parsed = searchRequestSchema.safeParse(request);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const path = (issue?.path ?? []).map(String).join('.') || 'query';
        throw new InvalidRequestError(`Invalid ${path}: ${issue?.message ?? 'invalid value'}`, { param: path });
      }
      const search = parsed.data;
      const store = await requireStore(vectorStoreId);
      requireActive(store);
      const queryText = Array.isArray(search.query) ? search.query.join(' ') : search.query;
      const searched = search.rewrite_query ? await rewriteQuery(queryText, context) : queryText;
      const ranking = search.ranking_options;
      const hits = await runQuery(
        store,
        {
          mode: search.search_mode,
          text: searched,
          k: search.max_num_results,
          filters: search.filters,
          scoreThreshold: ranking?.score_threshold,
          ranker: hybridRanker(ranking?.ranker, ranking?.impact_factor, ranking?.alpha),
        },
        context,
      );
      await touch(store.id);
      const data: VectorStoreSearchResult[] = hits.map((hit) => {
        const metadata = hit.chunk.metadata ?? {};
        const documentId = metadata.document_id;
        const filename = metadata.filename;
        return {
          file_id: hit.fileId ?? (typeof documentId === 'string' ? documentId : ''),
          filename: typeof filename === 'string' ? filename : '',
          score: hit.score,
          attributes: hit.attributes,
          content: [{ type: 'text', text: interleavedContentText(hit.chunk.content) }],
        };
      });
      return {
        object: 'vector_store.search_results.page',
        search_query: search.rewrite_query ? searched : search.query,
        data,
        has_more: false,
        next_page: null,
      };
    },

    async attachFile(vectorStoreId: string, request: AttachFileRequest, context?: RequestContext): Promise<VectorStoreFileObject> {
      const store = await requireStore(vectorStoreId);
      requireActive(store);
      requireFilesApi('file_id');
      const entry: FileToAttach = {
        fileId: request.file_id,
        attributes: request.attributes ?? {},
        chunking: resolveChunking(request.chunking_strategy, 'chunking_strategy'),
        param: 'file_id',
      };
      const record = await locks.run(fileLockKey(store.id, entry.fileId), async () => {
        const existing = await records.getFile(store.id, entry.fileId);
        if (existing) return existing;
        const names = await checkFiles([entry], context);
        return attachNew(store, entry, names.get(entry.fileId) ?? entry.fileId, undefined, context);
      });
      await touch(store.id);
      return fileObject(record);
    },

    async listFiles(vectorStoreId: string, query: ListVectorStoreFilesQuery = {}): Promise<ListPage<VectorStoreFileObject>> {
      await requireStore(vectorStoreId);
      const page = paginate(
        await records.listFiles(vectorStoreId),
        query,
        (file) => ({ id: file.id, createdAt: file.created_at }),
        (file) => query.filter === undefined || file.status === query.filter,
      );
      return { ...page, data: page.data.map(fileObject) };
    },

    async retrieveFile(vectorStoreId: string, fileId: string): Promise<VectorStoreFileObject> {
      await requireStore(vectorStoreId);
      return fileObject(await requireFile(vectorStoreId, fileId));
    },

    async retrieveFileContent(vectorStoreId: string, fileId: string): Promise<VectorStoreFileContentResponse> {
      await requireStore(vectorStoreId);
      await requireFile(vectorStoreId, fileId);
      const chunks = await backend.listFileChunks(vectorStoreId, fileId);
      return {
        object: 'vector_store.file_content.page',
        data: chunks.map((chunk) => ({ type: 'text', text: interleavedContentText(chunk.content) })),
        has_more: false,
        next_page: null,
      };
    },

    async updateFile(vectorStoreId: string, fileId: string, request: UpdateVectorStoreFileRequest): Promise<VectorStoreFileObject> {
      await requireStore(vectorStoreId);
      const updated = await locks.run(fileLockKey(vectorStoreId, fileId), async () => {
        const file = await requireFile(vectorStoreId, fileId);
        const next: StoredVectorStoreFile = { ...file, attributes: request.attributes };
        await backend.updateFileAttributes(vectorStoreId, fileId, request.attributes);
        await records.putFile(next);
        return next;
      });
      return fileObject(updated);
    },

    async deleteFile(vectorStoreId: string, fileId: string): Promise<VectorStoreFileDeleteResponse> {
      await requireStore(vectorStoreId);
      await requireFile(vectorStoreId, fileId);
      await queue.abortWhere((job) => job.storeId === vectorStoreId && job.fileId === fileId, `File '${fileId}' was removed from the vector store.`);
      await locks.run(fileLockKey(vectorStoreId, fileId), async () => {
        await backend.deleteChunks(vectorStoreId, { fileId });
        await records.deleteFile(vectorStoreId, fileId);
      });
      return { id: fileId, object: 'vector_store.file.deleted', deleted: true };
    },

    async createFileBatch(vectorStoreId: string, request: CreateFileBatchRequest, context?: RequestContext): Promise<VectorStoreFileBatchObject> {
      const store = await requireStore(vectorStoreId);
      requireActive(store);
      if ((request.file_ids === undefined) === (request.files === undefined)) {
        throw new InvalidRequestError('Give exactly one of file_ids and files.', { param: 'file_ids' });
      }
      requireFilesApi(request.files ? 'files' : 'file_ids');
      const defaultAttributes = request.attributes ?? {};
      const defaultChunking = request.chunking_strategy;
      const entries = dedupe(
        request.files
          ? request.files.map((file, index) => ({
              fileId: file.file_id,
              attributes: file.attributes ?? defaultAttributes,
              chunking: resolveChunking(file.chunking_strategy ?? defaultChunking, file.chunking_strategy ? `files[${index}].chunking_strategy` : 'chunking_strategy'),
              param: `files[${index}].file_id`,
            }))
          : (request.file_ids ?? []).map((fileId, index) => ({
              fileId,
              attributes: defaultAttributes,
              chunking: resolveChunking(defaultChunking, 'chunking_strategy'),
              param: `file_ids[${index}]`,
            })),
      );
      if (entries.length === 0) throw new InvalidRequestError('A file batch needs at least one file.', { param: request.files ? 'files' : 'file_ids' });
      const names = await checkFiles(entries, context);
      const batch: StoredFileBatch = {
        id: `vsfb_${randomHex()}`,
        vector_store_id: store.id,
        created_at: clock(),
        file_ids: entries.map((entry) => entry.fileId),
        cancelled: false,
      };
      await records.putBatch(batch);
      await attachAll(store, entries, names, batch.id, context);
      await touch(store.id);
      return batchObject(batch, await batchFiles(batch));
    },

    async retrieveFileBatch(vectorStoreId: string, batchId: string): Promise<VectorStoreFileBatchObject> {
      await requireStore(vectorStoreId);
      const batch = await requireBatch(vectorStoreId, batchId);
      return batchObject(batch, await batchFiles(batch));
    },

    async listFilesInBatch(vectorStoreId: string, batchId: string, query: ListVectorStoreFilesQuery = {}): Promise<ListPage<VectorStoreFileObject>> {
      await requireStore(vectorStoreId);
      const batch = await requireBatch(vectorStoreId, batchId);
      const page = paginate(
        await batchFiles(batch),
        query,
        (file) => ({ id: file.id, createdAt: file.created_at }),
        (file) => query.filter === undefined || file.status === query.filter,
      );
      return { ...page, data: page.data.map(fileObject) };
    },

    async cancelFileBatch(vectorStoreId: string, batchId: string): Promise<VectorStoreFileBatchObject> {
      await requireStore(vectorStoreId);
      const batch = await locks.run(batchLockKey(vectorStoreId, batchId), async () => {
        const current = await requireBatch(vectorStoreId, batchId);
        if (current.cancelled) return current;
        // A batch with nothing left to do has finished; cancelling it changes nothing.
        if (!(await batchFiles(current)).some((file) => file.status === 'in_progress')) return current;
        const cancelled = { ...current, cancelled: true };
        // Persisted first: files of a cancelled batch found in_progress at start-up are cancelled, not resumed.
        await records.putBatch(cancelled);
        return cancelled;
      });
      if (batch.cancelled) {
        const members = new Set(batch.file_ids);
        await queue.abortWhere((job) => job.storeId === vectorStoreId && members.has(job.fileId), `File batch '${batchId}' was cancelled.`);
        for (const fileId of batch.file_ids) {
          await locks.run(fileLockKey(vectorStoreId, fileId), async () => {
            const file = await records.getFile(vectorStoreId, fileId);
            if (!file || file.status !== 'in_progress') return;
            await backend.deleteChunks(vectorStoreId, { fileId });
            await records.putFile({ ...file, status: 'cancelled', usage_bytes: 0 });
          });
        }
      }
      return batchObject(batch, await batchFiles(batch));
    },

    async insertChunks(request: InsertChunksRequest, context?: RequestContext): Promise<void> {
      const store = await requireStore(request.vector_store_id);
      const texts = request.chunks.map((chunk) => interleavedContentText(chunk.content));
      const missing: number[] = [];
      request.chunks.forEach((chunk, index) => {
        if (chunk.embedding) {
          if (chunk.embedding.length !== store.embedding_dimension) {
            throw new InvalidRequestError(
              `chunks[${index}].embedding has ${chunk.embedding.length} dimensions; vector store '${store.id}' holds ${store.embedding_dimension}-dimensional embeddings of '${store.embedding_model}'.`,
              { param: `chunks[${index}].embedding` },
            );
          }
        } else if ((texts[index] as string).trim() === '') {
          throw new InvalidRequestError(`chunks[${index}] has no text to embed and no embedding.`, { param: `chunks[${index}].content` });
        } else {
          missing.push(index);
        }
      });
      const computed = await embedder.embed(
        store.embedding_model,
        missing.map((index) => texts[index] as string),
        { context, expectedDimension: store.embedding_dimension },
      );
      const embeddings = new Map(missing.map((index, position) => [index, computed[position] as Float32Array]));
      // The last of several chunks with one id wins, as consecutive upserts would.
      const byId = new Map<string, IndexedChunk>();
      request.chunks.forEach((chunk, index) => {
        byId.delete(chunk.chunk_id);
        byId.set(chunk.chunk_id, {
          chunkId: chunk.chunk_id,
          chunk: { ...withoutEmbedding(chunk), metadata: chunk.metadata ?? {} },
          text: texts[index] as string,
          embedding: embeddings.get(index) ?? Float32Array.from(chunk.embedding ?? []),
          attributes: scalarAttributes(chunk.metadata),
        });
      });
      await backend.upsertChunks(store.id, [...byId.values()]);
    },

    async queryChunks(request: QueryChunksRequest, context?: RequestContext): Promise<QueryChunksResponse> {
      const store = await requireStore(request.vector_store_id);
      requireActive(store);
      const text = interleavedContentText(request.query);
      const params = request.params ?? {};
      const mode = params.mode ?? 'vector';
      if (text.trim() === '') throw new InvalidRequestError('query has no text to search for.', { param: 'query' });
      const hits = await runQuery(
        store,
        {
          mode,
          text,
          k: params.max_chunks ?? DEFAULT_MAX_RESULTS,
          filters: params.filters,
          scoreThreshold: params.score_threshold,
          ranker: hybridRanker(params.ranker?.type, params.ranker?.impact_factor, params.ranker?.alpha),
        },
        context,
      );
      return { chunks: hits.map((hit) => withoutEmbedding(hit.chunk)), scores: hits.map((hit) => hit.score) };
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await queue.close('The vector store provider is shutting down.');
      await backend.close();
    },

    idle(): Promise<void> {
      return queue.idle();
    },
  };

  await resume();
  return provider;

  /**
   * Start-up: re-creates every store's index (a no-op for persistent backends), drops records
   * orphaned by an interrupted store deletion, cancels unfinished files of cancelled batches, and
   * queues the other unfinished files again.
   */
  async function resume(): Promise<void> {
    const stores = await records.listStores();
    for (const store of stores) {
      await backend.createIndex({ vectorStoreId: store.id, dimension: store.embedding_dimension, embeddingModel: store.embedding_model });
    }
    const storeIds = new Set(stores.map((store) => store.id));
    const cancelledBatches = new Set<string>();
    const orphanedBatchStores = new Set<string>();
    for (const batch of await records.listAllBatches()) {
      if (!storeIds.has(batch.vector_store_id)) orphanedBatchStores.add(batch.vector_store_id);
      else if (batch.cancelled) cancelledBatches.add(`${batch.vector_store_id}\0${batch.id}`);
    }
    for (const storeId of orphanedBatchStores) await records.deleteBatches(storeId);
    let resumed = 0;
    for (const file of await records.listAllFiles()) {
      if (!storeIds.has(file.vector_store_id)) {
        await records.deleteFile(file.vector_store_id, file.id);
        continue;
      }
      if (file.status !== 'in_progress') continue;
      if (file.batch_id !== undefined && cancelledBatches.has(`${file.vector_store_id}\0${file.batch_id}`)) {
        await backend.deleteChunks(file.vector_store_id, { fileId: file.id });
        await records.putFile({ ...file, status: 'cancelled', usage_bytes: 0 });
        continue;
      }
      enqueue({ storeId: file.vector_store_id, fileId: file.id });
      resumed += 1;
    }
    if (resumed > 0) logger.info(`Resuming ingestion of ${resumed} vector store file(s) left unfinished.`, { provider_id: providerId });
  }
}
