import { InvalidRequestError, type KVStore, type Logger, KeyedMutex } from '@stack/core';
import {
  fuseHybrid,
  matchesFilter,
  type AttributeFilter,
  type Attributes,
  type Chunk,
  type IndexedChunk,
  type IndexHit,
  type IndexQuery,
  type VectorIndexBackend,
  type VectorIndexConfig,
} from '@stack/vector-io-api';
import { FlatIndex } from './flat-index.js';
import { HnswIndex, type HnswOptions, type HnswSnapshot } from './hnsw-index.js';
import {
  BatchWriter,
  deleteKeys,
  listIndexConfigs,
  loadGraph,
  loadGraphHeader,
  logParts,
  purgeIndex,
  saveGraph,
  saveIndexConfig,
  scanLog,
  writeBatch,
  type LogOperation,
  type PutOperation,
} from './index-store.js';
import { KeywordIndex } from './keyword-index.js';
import type { VectorIndex, VectorSearchResult } from './vector-index.js';
import { decodeVector, encodeVector, isFiniteVector, normalized } from './vector-math.js';

/** Which in-memory vector index a vector store uses. */
export type FaissIndexType = 'flat' | 'hnsw' | 'auto';

export interface FaissBackendOptions {
  /** Where the change log and HNSW snapshots live (the provider's `persistence` namespace). */
  kv: KVStore;
  /**
   * `flat` (default): exact search. `hnsw`: approximate graph search. `auto`: flat until a store
   * holds more than `autoThreshold` chunks, HNSW from then on.
   */
  indexType?: FaissIndexType;
  /** Chunk count above which an `auto` store switches to HNSW (default 10,000). */
  autoThreshold?: number;
  /** HNSW parameters (m 16, efConstruction 100, efSearch 64 by default; seed 42). */
  hnsw?: HnswOptions;
  logger?: Logger;
}

/** Default `autoThreshold`. */
export const DEFAULT_AUTO_THRESHOLD = 10_000;
/** Log operations allowed beyond twice the live chunk count before the log is compacted. */
const COMPACTION_SLACK = 1024;
/** Graph changes (inserts and removals) since the last snapshot that trigger a background snapshot: this many, and at least a quarter of the graph. */
const SNAPSHOT_MIN_CHANGES = 1000;
/** Chunk ids per logged delete operation. */
const DELETE_OP_IDS = 10_000;
/** Longest stretch of synchronous index building before yielding to the event loop, in ms. */
const BUILD_SLICE_MS = 20;

interface ChunkEntry {
  /** The chunk as given, serialised (parsed per hit, so hits never share objects). */
  chunkJson: string;
  fileId: string | undefined;
  position: number | undefined;
  attributes: Attributes;
  /** The write that created this version (see the HNSW snapshot watermark). */
  rev: number;
}

interface IndexState {
  config: VectorIndexConfig;
  entries: Map<string, ChunkEntry>;
  files: Map<string, Set<string>>;
  vectors: VectorIndex;
  keywords: KeywordIndex;
  /** The last sequence number used by a log batch or a snapshot generation. */
  seq: number;
  /** Operations in the log (puts, deleted ids, attribute changes), live or superseded. */
  logOps: number;
  /** Graph inserts and removals since the last HNSW snapshot. */
  graphChanges: number;
  maintenanceQueued: boolean;
}

interface IndexHandle {
  config: VectorIndexConfig;
  state: Promise<IndexState> | undefined;
  deleted: boolean;
}

interface SnapshotData {
  ids: string[];
  graph: string;
  entry: number;
  topLevel: number;
  randomState: number;
}

function notFound(vectorStoreId: string): InvalidRequestError {
  return new InvalidRequestError(`Vector index '${vectorStoreId}' does not exist.`, { code: 'not_found', param: 'vector_store_id' });
}

/** Resolves after pending I/O callbacks have run, so long builds do not starve the server. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Calls `yieldToEventLoop` once more than `BUILD_SLICE_MS` passed since the last yield. */
function createYielder(): () => Promise<void> {
  let last = performance.now();
  return async () => {
    if (performance.now() - last < BUILD_SLICE_MS) return;
    await yieldToEventLoop();
    last = performance.now();
  };
}

function int32ToBase64(values: Int32Array): string {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64');
}

function base64ToInt32(encoded: string): Int32Array {
  const bytes = Buffer.from(encoded, 'base64');
  if (bytes.byteLength % 4 !== 0) throw new RangeError('The HNSW snapshot graph is not a whole number of int32 values.');
  const values = new Int32Array(bytes.byteLength / 4);
  new Uint8Array(values.buffer).set(bytes);
  return values;
}

function sameVector(a: Float32Array | undefined, b: Float32Array): boolean {
  if (!a || a.length !== b.length) return false;
  for (let index = 0; index < a.length; index += 1) if (a[index] !== b[index]) return false;
  return true;
}

/**
 * The `inline::faiss` index backend: every vector store is held in memory (an exact `FlatIndex`
 * or an approximate `HnswIndex`, a BM25 `KeywordIndex`, the chunks and their attributes) and
 * persisted through the key-value store as a change log (see `index-store.ts`). A store is
 * loaded from its log on first use; HNSW graphs are restored from their latest snapshot, with
 * only the chunks changed since re-inserted.
 */
export async function createFaissBackend(options: FaissBackendOptions): Promise<VectorIndexBackend> {
  const backend = new FaissBackend(options);
  await backend.open();
  return backend;
}

class FaissBackend implements VectorIndexBackend {
  private readonly kv: KVStore;
  private readonly indexType: FaissIndexType;
  private readonly autoThreshold: number;
  private readonly hnswOptions: Required<HnswOptions>;
  private readonly logger: Logger | undefined;
  private readonly handles = new Map<string, IndexHandle>();
  private readonly mutex = new KeyedMutex();
  private readonly background = new Set<Promise<void>>();
  private closed = false;

  constructor(options: FaissBackendOptions) {
    this.kv = options.kv;
    this.indexType = options.indexType ?? 'flat';
    this.autoThreshold = options.autoThreshold ?? DEFAULT_AUTO_THRESHOLD;
    this.hnswOptions = {
      m: options.hnsw?.m ?? 16,
      efConstruction: options.hnsw?.efConstruction ?? 100,
      efSearch: options.hnsw?.efSearch ?? 64,
      seed: options.hnsw?.seed ?? 42,
    };
    this.logger = options.logger;
  }

  async open(): Promise<void> {
    for (const config of await listIndexConfigs(this.kv)) {
      this.handles.set(config.vectorStoreId, { config, state: undefined, deleted: false });
    }
  }

  async createIndex(config: VectorIndexConfig): Promise<void> {
    this.ensureOpen();
    if (!Number.isInteger(config.dimension) || config.dimension <= 0) {
      throw new InvalidRequestError(`The index dimension must be a positive integer, got ${config.dimension}.`, { param: 'dimension' });
    }
    await this.mutex.run(config.vectorStoreId, async () => {
      if (this.handles.has(config.vectorStoreId)) return;
      const stored: VectorIndexConfig = { vectorStoreId: config.vectorStoreId, dimension: config.dimension, embeddingModel: config.embeddingModel };
      // Leftovers of an index deleted half-way (a crash) must not resurface in the new one.
      await purgeIndex(this.kv, stored.vectorStoreId);
      await saveIndexConfig(this.kv, stored);
      this.handles.set(stored.vectorStoreId, { config: stored, state: Promise.resolve(this.emptyState(stored, 0)), deleted: false });
    });
  }

  async deleteIndex(vectorStoreId: string): Promise<void> {
    this.ensureOpen();
    await this.mutex.run(vectorStoreId, async () => {
      const handle = this.handles.get(vectorStoreId);
      if (!handle) return;
      handle.deleted = true;
      this.handles.delete(vectorStoreId);
      await purgeIndex(this.kv, vectorStoreId);
    });
  }

  async upsertChunks(vectorStoreId: string, chunks: readonly IndexedChunk[]): Promise<void> {
    this.ensureOpen();
    const handle = this.handle(vectorStoreId);
    const dimension = handle.config.dimension;
    chunks.forEach((chunk, index) => {
      if (typeof chunk.chunkId !== 'string' || chunk.chunkId.length === 0) {
        throw new InvalidRequestError(`Chunk ${index} has no chunkId.`, { param: `chunks[${index}].chunkId` });
      }
      if (chunk.embedding.length !== dimension) {
        throw new InvalidRequestError(
          `Chunk ${index} ('${chunk.chunkId}') has an embedding of ${chunk.embedding.length} dimensions; vector index '${vectorStoreId}' has dimension ${dimension}.`,
          { param: `chunks[${index}].embedding` },
        );
      }
      if (!isFiniteVector(chunk.embedding)) {
        throw new InvalidRequestError(`Chunk ${index} ('${chunk.chunkId}') has a non-finite embedding value.`, { param: `chunks[${index}].embedding` });
      }
    });
    if (chunks.length === 0) return;
    await this.mutex.run(vectorStoreId, async () => {
      const state = await this.state(vectorStoreId);
      const latest = new Map<string, IndexedChunk>();
      for (const chunk of chunks) {
        latest.delete(chunk.chunkId);
        latest.set(chunk.chunkId, chunk);
      }
      state.seq += 1;
      const rev = state.seq;
      const unique = [...latest.values()];
      const puts: PutOperation[] = unique.map((chunk) => ({
        op: 'put',
        id: chunk.chunkId,
        rev,
        chunk: chunk.chunk,
        text: chunk.text,
        embedding: encodeVector(chunk.embedding),
        attributes: { ...chunk.attributes },
        ...(chunk.fileId === undefined ? {} : { fileId: chunk.fileId }),
        ...(chunk.position === undefined ? {} : { position: chunk.position }),
      }));
      await writeBatch(
        this.kv,
        vectorStoreId,
        rev,
        puts.map((put) => JSON.stringify(put)),
      );
      this.applyPuts(
        state,
        puts.map((put, index) => ({ put, embedding: (unique[index] as IndexedChunk).embedding })),
      );
      state.logOps += puts.length;
      await this.afterWrite(vectorStoreId, state);
    });
  }

  async deleteChunks(vectorStoreId: string, selector: { chunkIds?: readonly string[]; fileId?: string }): Promise<void> {
    this.ensureOpen();
    this.handle(vectorStoreId);
    await this.mutex.run(vectorStoreId, async () => {
      const state = await this.state(vectorStoreId);
      const doomed = new Set<string>();
      for (const chunkId of selector.chunkIds ?? []) if (state.entries.has(chunkId)) doomed.add(chunkId);
      if (selector.fileId !== undefined) for (const chunkId of state.files.get(selector.fileId) ?? []) doomed.add(chunkId);
      if (doomed.size === 0) return;
      const ids = [...doomed];
      const ops: string[] = [];
      for (let start = 0; start < ids.length; start += DELETE_OP_IDS) {
        ops.push(JSON.stringify({ op: 'delete', ids: ids.slice(start, start + DELETE_OP_IDS) } satisfies LogOperation));
      }
      state.seq += 1;
      await writeBatch(this.kv, vectorStoreId, state.seq, ops);
      for (const chunkId of ids) this.forget(state, chunkId);
      state.vectors.removeMany(ids);
      state.graphChanges += ids.length;
      state.logOps += ids.length;
      await this.afterWrite(vectorStoreId, state);
    });
  }

  async query(vectorStoreId: string, query: IndexQuery): Promise<IndexHit[]> {
    this.ensureOpen();
    const handle = this.handle(vectorStoreId);
    const needsEmbedding = query.mode !== 'keyword';
    const needsText = query.mode !== 'vector';
    if (needsEmbedding && !query.embedding) throw new InvalidRequestError(`A ${query.mode} query needs an embedding.`, { param: 'embedding' });
    if (needsText && query.text === undefined) throw new InvalidRequestError(`A ${query.mode} query needs a text.`, { param: 'text' });
    if (needsEmbedding && query.embedding) {
      if (query.embedding.length !== handle.config.dimension) {
        throw new InvalidRequestError(
          `The query embedding has ${query.embedding.length} dimensions; vector index '${vectorStoreId}' has dimension ${handle.config.dimension}.`,
          { param: 'embedding' },
        );
      }
      if (!isFiniteVector(query.embedding)) throw new InvalidRequestError('The query embedding has a non-finite value.', { param: 'embedding' });
    }
    const state = await this.state(vectorStoreId);
    const k = Math.floor(query.k);
    if (!(k > 0)) return [];
    let hits: IndexHit[];
    if (query.mode === 'vector') hits = this.vectorHits(state, query.embedding as Float32Array, k, query.filters);
    else if (query.mode === 'keyword') hits = this.keywordHits(state, query.text as string, k, query.filters);
    else {
      const depth = Math.max(k * 4, 50);
      hits = fuseHybrid(
        this.vectorHits(state, query.embedding as Float32Array, depth, query.filters),
        this.keywordHits(state, query.text as string, depth, query.filters),
        query.ranker,
        k,
      );
    }
    const threshold = query.scoreThreshold;
    return threshold === undefined ? hits : hits.filter((hit) => hit.score >= threshold);
  }

  async listFileChunks(vectorStoreId: string, fileId: string): Promise<Chunk[]> {
    this.ensureOpen();
    this.handle(vectorStoreId);
    const state = await this.state(vectorStoreId);
    return [...(state.files.get(fileId) ?? [])]
      .map((chunkId) => ({ chunkId, entry: state.entries.get(chunkId) as ChunkEntry }))
      .sort((a, b) => (a.entry.position ?? 0) - (b.entry.position ?? 0) || (a.chunkId < b.chunkId ? -1 : a.chunkId > b.chunkId ? 1 : 0))
      .map(({ entry }) => JSON.parse(entry.chunkJson) as Chunk);
  }

  async updateFileAttributes(vectorStoreId: string, fileId: string, attributes: Attributes): Promise<void> {
    this.ensureOpen();
    this.handle(vectorStoreId);
    await this.mutex.run(vectorStoreId, async () => {
      const state = await this.state(vectorStoreId);
      const members = state.files.get(fileId);
      if (!members || members.size === 0) return;
      state.seq += 1;
      await writeBatch(this.kv, vectorStoreId, state.seq, [JSON.stringify({ op: 'attributes', fileId, attributes } satisfies LogOperation)]);
      for (const chunkId of members) (state.entries.get(chunkId) as ChunkEntry).attributes = { ...attributes };
      state.logOps += 1;
      await this.afterWrite(vectorStoreId, state);
    });
  }

  async countChunks(vectorStoreId: string): Promise<number> {
    this.ensureOpen();
    this.handle(vectorStoreId);
    return (await this.state(vectorStoreId)).entries.size;
  }

  /**
   * Waits for background work, then writes an HNSW snapshot for every loaded graph that changed
   * enough since its last one (more than 1 in 200 nodes), so the next start restores it instead
   * of rebuilding. The key-value store itself belongs to the caller and stays open.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    while (this.background.size > 0) await Promise.allSettled([...this.background]);
    for (const [vectorStoreId, handle] of this.handles) {
      if (!handle.state) continue;
      await this.mutex.run(vectorStoreId, async () => {
        const state = await handle.state?.catch(() => undefined);
        if (!state || handle.deleted || !(state.vectors instanceof HnswIndex)) return;
        if (state.graphChanges > 0 && state.graphChanges * 200 >= state.vectors.size) await this.snapshot(vectorStoreId, state);
      });
    }
    this.handles.clear();
  }

  // --- reading ---------------------------------------------------------------------------

  private vectorHits(state: IndexState, embedding: Float32Array, k: number, filters: AttributeFilter | undefined): IndexHit[] {
    const vectors = state.vectors;
    let results: VectorSearchResult[];
    if (!filters) results = vectors.search(embedding, k);
    else {
      const accept = (chunkId: string) => matchesFilter(filters, (state.entries.get(chunkId) as ChunkEntry).attributes);
      if (vectors instanceof HnswIndex) {
        // A selective filter is answered exactly over the matching chunks: cheaper than walking
        // most of the graph to find k of them, and exact. The limit balances the two costs.
        const limit = Math.ceil(Math.sqrt(state.entries.size * Math.max(vectors.efSearch, k) * vectors.m0));
        const matching: string[] = [];
        for (const [chunkId, entry] of state.entries) {
          if (matchesFilter(filters, entry.attributes)) {
            matching.push(chunkId);
            if (matching.length > limit) break;
          }
        }
        results = matching.length <= limit ? vectors.searchAmong(embedding, k, matching) : vectors.search(embedding, k, accept);
      } else results = vectors.search(embedding, k, accept);
    }
    return results.map((result) => this.hit(state, result));
  }

  private keywordHits(state: IndexState, text: string, k: number, filters: AttributeFilter | undefined): IndexHit[] {
    const accept = filters ? (chunkId: string) => matchesFilter(filters, (state.entries.get(chunkId) as ChunkEntry).attributes) : undefined;
    return state.keywords.search(text, k, accept).map((result) => this.hit(state, result));
  }

  private hit(state: IndexState, result: VectorSearchResult): IndexHit {
    const entry = state.entries.get(result.id) as ChunkEntry;
    return {
      chunkId: result.id,
      chunk: JSON.parse(entry.chunkJson) as Chunk,
      fileId: entry.fileId,
      attributes: { ...entry.attributes },
      score: result.score,
    };
  }

  // --- state -----------------------------------------------------------------------------

  private ensureOpen(): void {
    if (this.closed) throw new Error('The inline::faiss index backend is closed.');
  }

  private handle(vectorStoreId: string): IndexHandle {
    const handle = this.handles.get(vectorStoreId);
    if (!handle) throw notFound(vectorStoreId);
    return handle;
  }

  /** The loaded state of an index, loading it from the log on first use. */
  private async state(vectorStoreId: string): Promise<IndexState> {
    const handle = this.handle(vectorStoreId);
    if (!handle.state) {
      const loading = this.load(handle.config);
      handle.state = loading;
      // A failed load (say, the database was unreachable) is retried by the next caller.
      loading.catch(() => {
        if (handle.state === loading) handle.state = undefined;
      });
    }
    const state = await handle.state;
    if (handle.deleted) throw notFound(vectorStoreId);
    return state;
  }

  private emptyState(config: VectorIndexConfig, seq: number): IndexState {
    return {
      config,
      entries: new Map(),
      files: new Map(),
      vectors: this.indexType === 'hnsw' ? this.newHnsw(config.dimension) : new FlatIndex(config.dimension),
      keywords: new KeywordIndex(),
      seq,
      logOps: 0,
      graphChanges: 0,
      maintenanceQueued: false,
    };
  }

  private newHnsw(dimension: number): HnswIndex {
    return new HnswIndex(dimension, this.hnswOptions);
  }

  /** Replays the log into memory and builds the indexes. */
  private async load(config: VectorIndexConfig): Promise<IndexState> {
    const vectorStoreId = config.vectorStoreId;
    const started = performance.now();
    const scan = await scanLog(this.kv, vectorStoreId);
    const latest = new Map<string, PutOperation>();
    const files = new Map<string, Set<string>>();
    let logOps = 0;
    const yieldNow = createYielder();
    for await (const operations of logParts(this.kv, scan.completeKeys)) {
      for (const operation of operations) replay(operation);
      await yieldNow();
    }
    function replay(operation: LogOperation): void {
      if (operation.op === 'put') {
        logOps += 1;
        const previous = latest.get(operation.id);
        if (previous?.fileId !== undefined) files.get(previous.fileId)?.delete(operation.id);
        latest.set(operation.id, operation);
        if (operation.fileId !== undefined) addTo(files, operation.fileId, operation.id);
      } else if (operation.op === 'delete') {
        logOps += operation.ids.length;
        for (const chunkId of operation.ids) {
          const previous = latest.get(chunkId);
          if (!previous) continue;
          if (previous.fileId !== undefined) files.get(previous.fileId)?.delete(chunkId);
          latest.delete(chunkId);
        }
      } else {
        logOps += 1;
        for (const chunkId of files.get(operation.fileId) ?? []) (latest.get(chunkId) as PutOperation).attributes = { ...operation.attributes };
      }
    }
    if (scan.incompleteKeys.length > 0) {
      this.logger?.warn('Discarding incomplete faiss log batches (an interrupted write).', { vectorStoreId, keys: scan.incompleteKeys.length });
      await deleteKeys(this.kv, scan.incompleteKeys).catch((error: unknown) =>
        this.logger?.warn('Could not delete incomplete faiss log batches; they stay ignored.', { vectorStoreId, error: String(error) }),
      );
    }

    // Snapshot generations share the sequence, so a new snapshot never reuses a stored generation.
    const graphHeader = await loadGraphHeader(this.kv, vectorStoreId);
    const state = this.emptyState(config, Math.max(scan.maxSeq, graphHeader?.generation ?? 0));
    state.logOps = logOps;
    for (const [fileId, members] of files) if (members.size > 0) state.files.set(fileId, members);
    for (const put of latest.values()) {
      state.entries.set(put.id, { chunkJson: JSON.stringify(put.chunk), fileId: put.fileId, position: put.position, attributes: put.attributes, rev: put.rev });
      state.keywords.add(put.id, put.text);
      await yieldNow();
    }
    const useHnsw = this.indexType === 'hnsw' || (this.indexType === 'auto' && latest.size > this.autoThreshold);
    if (useHnsw) {
      const restored = await this.restoreGraph(config, latest, state);
      state.vectors = restored ?? this.newHnsw(config.dimension);
    }
    const vectors = state.vectors;
    let inserted = 0;
    for (const put of latest.values()) {
      if (vectors.has(put.id)) continue;
      vectors.add(put.id, decodeVector(put.embedding));
      inserted += 1;
      await yieldNow();
    }
    if (vectors instanceof HnswIndex) state.graphChanges += inserted;
    this.logger?.debug('Loaded faiss vector index.', {
      vectorStoreId,
      chunks: state.entries.size,
      index: vectors instanceof HnswIndex ? 'hnsw' : 'flat',
      reinserted: inserted,
      ms: Math.round(performance.now() - started),
    });
    return state;
  }

  /** The HNSW graph from the latest snapshot, with stale nodes removed, or undefined to rebuild. */
  private async restoreGraph(config: VectorIndexConfig, latest: Map<string, PutOperation>, state: IndexState): Promise<HnswIndex | undefined> {
    const vectorStoreId = config.vectorStoreId;
    const stored = await loadGraph(this.kv, vectorStoreId);
    if (!stored) return undefined;
    const { header } = stored;
    if (header.m !== this.hnswOptions.m || header.dimension !== config.dimension) return undefined;
    try {
      const data = JSON.parse(stored.data) as SnapshotData;
      const snapshot: HnswSnapshot = { m: header.m, ids: data.ids, graph: base64ToInt32(data.graph), entry: data.entry, topLevel: data.topLevel, randomState: data.randomState };
      let stale = 0;
      const graph = HnswIndex.fromSnapshot(config.dimension, this.hnswOptions, snapshot, (chunkId) => {
        const put = latest.get(chunkId);
        if (put && put.rev <= header.watermark) return decodeVector(put.embedding);
        stale += 1;
        return undefined;
      });
      state.graphChanges += stale;
      return graph;
    } catch (error) {
      this.logger?.warn('The faiss HNSW snapshot is unusable; rebuilding the graph.', { vectorStoreId, error: String(error) });
      return undefined;
    }
  }

  // --- writing ---------------------------------------------------------------------------

  private applyPuts(state: IndexState, puts: ReadonlyArray<{ put: PutOperation; embedding: Float32Array }>): void {
    const vectors = state.vectors;
    if (vectors instanceof HnswIndex) {
      // Replaced vectors leave the graph in one repair pass rather than one pass each.
      const changed = puts.filter(({ put, embedding }) => vectors.has(put.id) && !sameVector(vectors.vector(put.id), normalized(embedding)));
      if (changed.length > 1) vectors.removeMany(changed.map(({ put }) => put.id));
    }
    for (const { put, embedding } of puts) {
      const replaced = vectors.has(put.id);
      this.forget(state, put.id);
      state.entries.set(put.id, { chunkJson: JSON.stringify(put.chunk), fileId: put.fileId, position: put.position, attributes: put.attributes, rev: put.rev });
      if (put.fileId !== undefined) addTo(state.files, put.fileId, put.id);
      state.keywords.add(put.id, put.text);
      vectors.add(put.id, embedding);
      state.graphChanges += replaced ? 2 : 1;
    }
  }

  /** Drops a chunk from the entries, its file and the keyword index (not from the vector index). */
  private forget(state: IndexState, chunkId: string): void {
    const entry = state.entries.get(chunkId);
    if (!entry) return;
    state.entries.delete(chunkId);
    if (entry.fileId !== undefined) {
      const members = state.files.get(entry.fileId);
      members?.delete(chunkId);
      if (members?.size === 0) state.files.delete(entry.fileId);
    }
    state.keywords.remove(chunkId);
  }

  /** Compacts the log when superseded operations dominate, then queues background maintenance. */
  private async afterWrite(vectorStoreId: string, state: IndexState): Promise<void> {
    if (state.logOps > 2 * state.entries.size + COMPACTION_SLACK) await this.compact(vectorStoreId, state);
    if (state.maintenanceQueued || this.closed) return;
    const vectors = state.vectors;
    const switchToHnsw = this.indexType === 'auto' && vectors instanceof FlatIndex && vectors.size > this.autoThreshold;
    const snapshotDue = vectors instanceof HnswIndex && state.graphChanges >= Math.max(SNAPSHOT_MIN_CHANGES, vectors.size / 4);
    if (!switchToHnsw && !snapshotDue) return;
    state.maintenanceQueued = true;
    const task = this.mutex
      .run(vectorStoreId, async () => {
        state.maintenanceQueued = false;
        const handle = this.handles.get(vectorStoreId);
        if (!handle || handle.deleted || (await handle.state) !== state) return;
        if (this.indexType === 'auto' && state.vectors instanceof FlatIndex && state.vectors.size > this.autoThreshold) {
          await this.switchToHnsw(vectorStoreId, state);
        }
        if (state.vectors instanceof HnswIndex && state.graphChanges >= Math.max(SNAPSHOT_MIN_CHANGES, state.vectors.size / 4)) {
          await this.snapshot(vectorStoreId, state);
        }
      })
      .catch((error: unknown) => this.logger?.warn('faiss index maintenance failed.', { vectorStoreId, error: String(error) }));
    this.background.add(task);
    void task.finally(() => this.background.delete(task));
  }

  /**
   * Rewrites the log as one batch holding only the live chunk versions (with their current
   * attributes, and their original revs), then deletes the old batches oldest first. A crash at
   * any point leaves a log that replays to the same chunks.
   */
  private async compact(vectorStoreId: string, state: IndexState): Promise<void> {
    const scan = await scanLog(this.kv, vectorStoreId);
    state.seq = Math.max(state.seq, scan.maxSeq) + 1;
    const writer = new BatchWriter(this.kv, vectorStoreId, state.seq);
    const copied = new Set<string>();
    try {
      for await (const operations of logParts(this.kv, scan.completeKeys)) {
        for (const operation of operations) {
          if (operation.op !== 'put' || copied.has(operation.id)) continue;
          const entry = state.entries.get(operation.id);
          if (!entry || entry.rev !== operation.rev) continue;
          copied.add(operation.id);
          await writer.add(JSON.stringify({ ...operation, attributes: entry.attributes }));
        }
      }
      if (copied.size !== state.entries.size) {
        throw new Error(`the log holds ${copied.size} of the ${state.entries.size} live chunks`);
      }
      await writer.finish();
    } catch (error) {
      await writer.abandon();
      this.logger?.warn('faiss log compaction failed; the log is left as it was.', { vectorStoreId, error: String(error) });
      return;
    }
    await deleteKeys(this.kv, [...scan.completeKeys, ...scan.incompleteKeys]);
    state.logOps = state.entries.size;
  }

  private async switchToHnsw(vectorStoreId: string, state: IndexState): Promise<void> {
    const flat = state.vectors;
    const graph = this.newHnsw(state.config.dimension);
    const yieldNow = createYielder();
    // Queries keep using the flat index until the graph is complete; writes wait (the lock is held).
    for (const chunkId of [...flat.ids()]) {
      graph.add(chunkId, flat.vector(chunkId) as Float32Array);
      await yieldNow();
    }
    state.vectors = graph;
    state.graphChanges = graph.size;
    this.logger?.info('faiss vector index switched to HNSW.', { vectorStoreId, chunks: graph.size });
  }

  private async snapshot(vectorStoreId: string, state: IndexState): Promise<void> {
    const graph = state.vectors as HnswIndex;
    const snapshot = graph.toSnapshot();
    state.seq += 1;
    const generation = state.seq;
    const data: SnapshotData = {
      ids: snapshot.ids,
      graph: int32ToBase64(snapshot.graph),
      entry: snapshot.entry,
      topLevel: snapshot.topLevel,
      randomState: snapshot.randomState,
    };
    const changes = state.graphChanges;
    await saveGraph(
      this.kv,
      vectorStoreId,
      { generation, watermark: generation, m: snapshot.m, dimension: state.config.dimension, nodes: snapshot.ids.length },
      JSON.stringify(data),
    );
    state.graphChanges = Math.max(0, state.graphChanges - changes);
  }
}

function addTo(files: Map<string, Set<string>>, fileId: string, chunkId: string): void {
  let members = files.get(fileId);
  if (!members) {
    members = new Set();
    files.set(fileId, members);
  }
  members.add(chunkId);
}
