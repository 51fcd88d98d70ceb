import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConflictError, InvalidRequestError, resolveSqlitePath, sqliteMemoryPath } from '@stack/core';
import {
  fuseHybrid,
  keywordTokens,
  type Attributes,
  type AttributeFilter,
  type Chunk,
  type IndexedChunk,
  type IndexHit,
  type IndexQuery,
  type VectorIndexBackend,
  type VectorIndexConfig,
} from '@stack/vector-io-api';
import Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import { compileAttributeFilter, registerFilterFunctions, type SqlFragment } from './filter-sql.js';
import { createIndexDdl, dropIndexDdl, indexTables, MAX_DIMENSION, REGISTRY_TABLE, registryDdl, tablePrefixFor, type IndexTables } from './tables.js';

/** Options of {@link createSqliteVecBackend}. */
export interface SqliteVecBackendOptions {
  /**
   * The SQLite file holding every index: `~` is expanded, a relative path resolves against the
   * working directory, missing directories are created; `:memory:` keeps everything in memory.
   */
  dbPath: string;
  /**
   * Largest share of the index a filter may match for a vector query to score the matches one by
   * one instead of running a restricted KNN scan (default {@link EXACT_SCAN_FRACTION}; 0 always
   * scans with KNN, 1 always scores one by one). Both give the same hits; only speed differs.
   */
  exactScanFraction?: number | undefined;
}

/** The most neighbours one vec0 KNN query may ask for (sqlite-vec's limit). */
export const KNN_MAX_K = 4096;

/**
 * A filtered vector query scores its candidates one by one when they are at most this fraction of
 * the index (a point lookup costs several times a row of the vec0 scan), else runs one KNN scan
 * restricted to them.
 */
export const EXACT_SCAN_FRACTION = 1 / 32;

/** Hybrid search takes this many candidates (at least) from each side before fusing. */
const HYBRID_MIN_DEPTH = 50;
const FILTER_STATEMENT_CACHE_SIZE = 64;
const MMAP_SIZE = 1024 * 1024 * 1024;
const CACHE_SIZE_KIB = 64 * 1024;

type Statement = Database.Statement<unknown[], unknown>;

interface ChunkRow {
  rowid: number;
  chunk_id: string;
  file_id: string | null;
  attributes: string;
  chunk: string;
}

interface Scored {
  rowid: number;
  score: number;
}

interface IndexStatements {
  findChunk: Statement;
  insertChunk: Statement;
  updateChunk: Statement;
  deleteChunk: Statement;
  insertVector: Statement;
  updateVector: Statement;
  deleteVector: Statement;
  insertText: Statement;
  deleteText: Statement;
  fileRowids: Statement;
  deleteFileTexts: Statement;
  deleteFileChunks: Statement;
  updateFileAttributes: Statement;
  listFileChunks: Statement;
  count: Statement;
  allRowids: Statement;
  knn: Statement;
  knnAmong: Statement;
  distance: Statement;
  keyword: Statement;
  fetchRows: Statement;
}

interface IndexHandle {
  config: VectorIndexConfig;
  tables: IndexTables;
  statements: IndexStatements;
  /** Statements whose SQL embeds a compiled filter, by SQL text (least recently used dropped first). */
  filtered: Map<string, Statement>;
}

interface RegistryRow {
  vector_store_id: string;
  table_prefix: string;
  dimension: number;
  embedding_model: string;
}

function notFound(vectorStoreId: string): InvalidRequestError {
  return new InvalidRequestError(`Vector index '${vectorStoreId}' does not exist.`, { code: 'not_found' });
}

function toBlob(vector: Float32Array): Buffer {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
}

/** Why a vector cannot be stored or searched with cosine similarity, if it cannot. */
function vectorProblem(vector: Float32Array, dimension: number): string | undefined {
  if (!(vector instanceof Float32Array)) return 'is not a Float32Array';
  if (vector.length !== dimension) return `has ${vector.length} dimensions; the index has dimension ${dimension}`;
  let zero = true;
  for (let index = 0; index < vector.length; index += 1) {
    const value = vector[index] as number;
    if (!Number.isFinite(value)) return `holds a non-finite value at position ${index}`;
    if (value !== 0) zero = false;
  }
  return zero ? 'is all zeros, which has no cosine similarity' : undefined;
}

/** Best first; equal scores in insertion order (rowid). */
function byScore(a: Scored, b: Scored): number {
  return b.score - a.score || a.rowid - b.rowid;
}

/**
 * An index backend on one SQLite file (WAL mode) with the sqlite-vec extension. Per index it keeps
 * a chunks table (chunk JSON, file, position, attributes as JSONB, text), a vec0 table of float32
 * embeddings under the cosine metric and an FTS5 table over the text (porter + unicode61), keyed
 * by the chunk's rowid, plus a row in a registry of indexes (dimension, embedding model, table
 * prefix). All work is synchronous better-sqlite3 calls on prepared statements; upserts and
 * deletions run in one transaction each.
 *
 * Queries (hits with equal scores come in insertion order):
 * - `vector` without filters: one vec0 KNN query (`embedding MATCH ? AND k = ?`); score =
 *   1 − cosine distance.
 * - `vector` with filters: the filter, compiled to SQL over the attributes JSON (see
 *   `compileAttributeFilter`; an index on the attributes column keeps this scan narrow), first
 *   selects the matching rowids. When they are few (at most {@link EXACT_SCAN_FRACTION} of the
 *   index; a vec0 point lookup costs some 25 rows of a KNN scan) each is scored exactly with
 *   `vec_distance_cosine` and the best k kept; otherwise one vec0 KNN query runs with
 *   `rowid IN (…matching rowids)`, which sqlite-vec applies as a mask before ranking. Either way
 *   the top k is taken among matching chunks only, exactly, with no retries with a growing k.
 * - A depth beyond sqlite-vec's KNN limit ({@link KNN_MAX_K}) scores every candidate exactly.
 * - `keyword`: FTS5 `MATCH` of the query's tokens joined by `OR` (so a hit contains at least one
 *   term), the filter joined in SQL, ranked by BM25; score = −bm25 (positive, higher is better).
 * - `hybrid`: both of the above, max(4k, 50) candidates each, fused by `fuseHybrid`.
 * `scoreThreshold` then drops hits below it.
 *
 * Embeddings must be finite and not all zeros (cosine similarity is undefined for a zero vector):
 * such a chunk or query is rejected with an `InvalidRequestError`.
 */
export async function createSqliteVecBackend(options: SqliteVecBackendOptions): Promise<VectorIndexBackend> {
  const exactScanFraction = options.exactScanFraction ?? EXACT_SCAN_FRACTION;
  const path = resolveSqlitePath(options.dbPath);
  if (path !== sqliteMemoryPath) mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  try {
    if (path !== sqliteMemoryPath) db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    // vec0 keeps vectors in large blobs; memory-mapped reads and a bigger page cache make both its
    // scans and its point lookups several times faster once the file outgrows the default 2 MiB cache.
    db.pragma(`mmap_size = ${MMAP_SIZE}`);
    db.pragma(`cache_size = -${CACHE_SIZE_KIB}`);
    sqliteVec.load(db);
    registerFilterFunctions(db);
    db.exec(registryDdl);
  } catch (error) {
    db.close();
    throw error;
  }

  const registryGet = db.prepare(
    `SELECT vector_store_id, table_prefix, dimension, embedding_model FROM ${REGISTRY_TABLE} WHERE vector_store_id = ?`,
  ) as Statement;
  const registryInsert = db.prepare(
    `INSERT INTO ${REGISTRY_TABLE} (vector_store_id, table_prefix, dimension, embedding_model, created_at) VALUES (?, ?, ?, ?, ?)`,
  ) as Statement;
  const registryDelete = db.prepare(`DELETE FROM ${REGISTRY_TABLE} WHERE vector_store_id = ?`) as Statement;
  const prefixOwner = db.prepare(`SELECT vector_store_id FROM ${REGISTRY_TABLE} WHERE table_prefix = ?`).pluck() as Statement;

  const handles = new Map<string, IndexHandle>();
  let closed = false;

  const prepareStatements = (tables: IndexTables): IndexStatements => {
    const { chunks, vectors, fts } = tables;
    const prepare = (sql: string) => db.prepare(sql) as Statement;
    return {
      findChunk: prepare(`SELECT rowid, text FROM ${chunks} WHERE chunk_id = ?`),
      insertChunk: prepare(`INSERT INTO ${chunks} (chunk_id, file_id, position, attributes, chunk, text) VALUES (?, ?, ?, jsonb(?), ?, ?)`),
      updateChunk: prepare(`UPDATE ${chunks} SET file_id = ?, position = ?, attributes = jsonb(?), chunk = ?, text = ? WHERE rowid = ?`),
      deleteChunk: prepare(`DELETE FROM ${chunks} WHERE rowid = ?`),
      insertVector: prepare(`INSERT INTO ${vectors} (rowid, embedding) VALUES (?, ?)`),
      updateVector: prepare(`UPDATE ${vectors} SET embedding = ? WHERE rowid = ?`),
      deleteVector: prepare(`DELETE FROM ${vectors} WHERE rowid = ?`),
      insertText: prepare(`INSERT INTO ${fts} (rowid, text) VALUES (?, ?)`),
      deleteText: prepare(`INSERT INTO ${fts} (${fts}, rowid, text) VALUES ('delete', ?, ?)`),
      fileRowids: prepare(`SELECT rowid FROM ${chunks} WHERE file_id = ?`).pluck(),
      deleteFileTexts: prepare(`INSERT INTO ${fts} (${fts}, rowid, text) SELECT 'delete', rowid, text FROM ${chunks} WHERE file_id = ?`),
      deleteFileChunks: prepare(`DELETE FROM ${chunks} WHERE file_id = ?`),
      updateFileAttributes: prepare(`UPDATE ${chunks} SET attributes = jsonb(?) WHERE file_id = ?`),
      listFileChunks: prepare(`SELECT chunk FROM ${chunks} WHERE file_id = ? ORDER BY coalesce(position, 0), chunk_id`).pluck(),
      count: prepare(`SELECT count(*) FROM ${chunks}`).pluck(),
      allRowids: prepare(`SELECT rowid FROM ${chunks}`).pluck(),
      knn: prepare(`SELECT rowid, distance FROM ${vectors} WHERE embedding MATCH ? AND k = ? ORDER BY distance`),
      knnAmong: prepare(
        `SELECT rowid, distance FROM ${vectors} WHERE embedding MATCH ? AND k = ? AND rowid IN (SELECT value FROM json_each(?)) ORDER BY distance`,
      ),
      distance: prepare(`SELECT vec_distance_cosine(embedding, ?) FROM ${vectors} WHERE rowid = ?`).pluck(),
      keyword: prepare(`SELECT rowid, bm25(${fts}) AS relevance FROM ${fts} WHERE ${fts} MATCH ? ORDER BY relevance, rowid LIMIT ?`),
      fetchRows: prepare(
        `SELECT rowid, chunk_id, file_id, json(attributes) AS attributes, chunk FROM ${chunks} WHERE rowid IN (SELECT value FROM json_each(?))`,
      ),
    };
  };

  const ensureOpen = () => {
    if (closed) throw new Error('The sqlite-vec index backend is closed.');
  };

  const handleFromRow = (row: RegistryRow): IndexHandle => {
    const tables = indexTables(row.table_prefix);
    return {
      config: { vectorStoreId: row.vector_store_id, dimension: row.dimension, embeddingModel: row.embedding_model },
      tables,
      statements: prepareStatements(tables),
      filtered: new Map(),
    };
  };

  /** The open index, loading it from the registry on first use; `not_found` if there is none. */
  const indexOf = (vectorStoreId: string): IndexHandle => {
    ensureOpen();
    const cached = handles.get(vectorStoreId);
    if (cached) return cached;
    const row = registryGet.get(vectorStoreId) as RegistryRow | undefined;
    if (!row) throw notFound(vectorStoreId);
    const handle = handleFromRow(row);
    handles.set(vectorStoreId, handle);
    return handle;
  };

  const filteredStatement = (index: IndexHandle, sql: string): Statement => {
    let statement = index.filtered.get(sql);
    if (statement) {
      index.filtered.delete(sql);
    } else {
      statement = db.prepare(sql) as Statement;
      if (index.filtered.size >= FILTER_STATEMENT_CACHE_SIZE) index.filtered.delete(index.filtered.keys().next().value as string);
    }
    index.filtered.set(sql, statement);
    return statement;
  };

  const requireVector = (index: IndexHandle, vector: Float32Array, what: string) => {
    const problem = vectorProblem(vector, index.config.dimension);
    if (problem) {
      throw new InvalidRequestError(`${what} ${problem} (vector index '${index.config.vectorStoreId}' has dimension ${index.config.dimension}).`, {
        param: 'embedding',
      });
    }
  };

  const matchingRowids = (index: IndexHandle, filter: SqlFragment): number[] =>
    filteredStatement(index, `SELECT c.rowid FROM ${index.tables.chunks} AS c WHERE ${filter.sql}`).pluck().all(...filter.params) as number[];

  /** Cosine similarity of each rowid's vector to the query, best `depth` first. */
  const exactScan = (index: IndexHandle, query: Buffer, rowids: readonly number[], depth: number): Scored[] => {
    const distance = index.statements.distance;
    const scored = rowids.map((rowid) => ({ rowid, score: 1 - (distance.get(query, BigInt(rowid)) as number) }));
    return scored.sort(byScore).slice(0, depth);
  };

  const knn = (index: IndexHandle, query: Buffer, depth: number, among?: readonly number[]): Scored[] => {
    const rows = (
      among ? index.statements.knnAmong.all(query, depth, JSON.stringify(among)) : index.statements.knn.all(query, depth)
    ) as Array<{ rowid: number; distance: number }>;
    return rows.map((row) => ({ rowid: row.rowid, score: 1 - row.distance })).sort(byScore);
  };

  const vectorSearch = (index: IndexHandle, embedding: Float32Array, depth: number, filter: SqlFragment | undefined): Scored[] => {
    const query = toBlob(embedding);
    if (!filter) {
      return depth > KNN_MAX_K ? exactScan(index, query, index.statements.allRowids.all() as number[], depth) : knn(index, query, depth);
    }
    const candidates = matchingRowids(index, filter);
    if (candidates.length === 0) return [];
    const total = index.statements.count.get() as number;
    if (depth > KNN_MAX_K || candidates.length <= total * exactScanFraction) return exactScan(index, query, candidates, depth);
    return knn(index, query, depth, candidates);
  };

  const keywordSearch = (index: IndexHandle, text: string, depth: number, filter: SqlFragment | undefined): Scored[] => {
    const tokens = [...new Set(keywordTokens(text))];
    if (tokens.length === 0) return [];
    // Tokens hold only letters and digits, so quoting them makes each a plain FTS5 string.
    const match = tokens.map((token) => `"${token}"`).join(' OR ');
    const { fts, chunks } = index.tables;
    const rows = (
      filter
        ? filteredStatement(
            index,
            `SELECT ${fts}.rowid AS rowid, bm25(${fts}) AS relevance FROM ${fts} JOIN ${chunks} AS c ON c.rowid = ${fts}.rowid ` +
              `WHERE ${fts} MATCH ? AND ${filter.sql} ORDER BY relevance, rowid LIMIT ?`,
          ).all(match, ...filter.params, depth)
        : index.statements.keyword.all(match, depth)
    ) as Array<{ rowid: number; relevance: number }>;
    return rows.map((row) => ({ rowid: row.rowid, score: -row.relevance })).sort(byScore);
  };

  const fetchHits = (index: IndexHandle, lists: ReadonlyArray<readonly Scored[]>): Array<IndexHit[]> => {
    const rowids = [...new Set(lists.flatMap((list) => list.map((entry) => entry.rowid)))];
    const rows = new Map<number, ChunkRow>();
    if (rowids.length > 0) {
      for (const row of index.statements.fetchRows.all(JSON.stringify(rowids)) as ChunkRow[]) rows.set(row.rowid, row);
    }
    return lists.map((list) =>
      list.flatMap((entry) => {
        const row = rows.get(entry.rowid);
        if (!row) return [];
        const hit: IndexHit = {
          chunkId: row.chunk_id,
          chunk: JSON.parse(row.chunk) as Chunk,
          fileId: row.file_id ?? undefined,
          attributes: JSON.parse(row.attributes) as Attributes,
          score: entry.score,
        };
        return [hit];
      }),
    );
  };

  return {
    async createIndex(config) {
      ensureOpen();
      const { vectorStoreId, dimension, embeddingModel } = config;
      if (typeof vectorStoreId !== 'string' || vectorStoreId.length === 0) {
        throw new InvalidRequestError('A vector index needs a non-empty vectorStoreId.', { param: 'vector_store_id' });
      }
      if (!Number.isInteger(dimension) || dimension < 1 || dimension > MAX_DIMENSION) {
        throw new InvalidRequestError(`Vector index dimension must be an integer from 1 to ${MAX_DIMENSION}, got ${String(dimension)}.`, {
          param: 'embedding_dimension',
        });
      }
      const existing = registryGet.get(vectorStoreId) as RegistryRow | undefined;
      if (existing) {
        if (existing.dimension !== dimension) {
          throw new ConflictError(`Vector index '${vectorStoreId}' already exists with dimension ${existing.dimension}, not ${dimension}.`);
        }
        return;
      }
      const tables = indexTables(tablePrefixFor(vectorStoreId));
      const owner = prefixOwner.get(tables.prefix) as string | undefined;
      if (owner !== undefined) {
        throw new ConflictError(`Vector index '${vectorStoreId}' would share its tables with '${owner}'; use another vector store id.`);
      }
      db.transaction(() => {
        // Leftovers of an index whose registry row is gone would otherwise resurface as its chunks.
        db.exec(dropIndexDdl(tables));
        db.exec(createIndexDdl(tables, dimension));
        registryInsert.run(vectorStoreId, tables.prefix, dimension, String(embeddingModel ?? ''), Date.now());
      })();
    },

    async deleteIndex(vectorStoreId) {
      ensureOpen();
      const row = registryGet.get(vectorStoreId) as RegistryRow | undefined;
      handles.delete(vectorStoreId);
      if (!row) return;
      const tables = indexTables(row.table_prefix);
      db.transaction(() => {
        db.exec(dropIndexDdl(tables));
        registryDelete.run(vectorStoreId);
      })();
    },

    async upsertChunks(vectorStoreId, chunks: readonly IndexedChunk[]) {
      const index = indexOf(vectorStoreId);
      chunks.forEach((chunk, position) => requireVector(index, chunk.embedding, `The embedding of chunk ${position} ('${chunk.chunkId}')`));
      const statements = index.statements;
      db.transaction(() => {
        for (const chunk of chunks) {
          const embedding = toBlob(chunk.embedding);
          const text = chunk.text ?? '';
          const values = [chunk.fileId ?? null, chunk.position ?? null, JSON.stringify(chunk.attributes ?? {}), JSON.stringify(chunk.chunk), text];
          const existing = statements.findChunk.get(chunk.chunkId) as { rowid: number; text: string } | undefined;
          if (existing) {
            statements.deleteText.run(existing.rowid, existing.text);
            statements.updateChunk.run(...values, existing.rowid);
            statements.updateVector.run(embedding, BigInt(existing.rowid));
            statements.insertText.run(existing.rowid, text);
          } else {
            const rowid = BigInt(statements.insertChunk.run(chunk.chunkId, ...values).lastInsertRowid);
            statements.insertVector.run(rowid, embedding);
            statements.insertText.run(rowid, text);
          }
        }
      })();
    },

    async deleteChunks(vectorStoreId, selector) {
      const index = indexOf(vectorStoreId);
      const statements = index.statements;
      db.transaction(() => {
        for (const chunkId of selector.chunkIds ?? []) {
          const existing = statements.findChunk.get(chunkId) as { rowid: number; text: string } | undefined;
          if (!existing) continue;
          statements.deleteText.run(existing.rowid, existing.text);
          statements.deleteVector.run(BigInt(existing.rowid));
          statements.deleteChunk.run(existing.rowid);
        }
        if (selector.fileId !== undefined) {
          const rowids = statements.fileRowids.all(selector.fileId) as number[];
          if (rowids.length === 0) return;
          statements.deleteFileTexts.run(selector.fileId);
          for (const rowid of rowids) statements.deleteVector.run(BigInt(rowid));
          statements.deleteFileChunks.run(selector.fileId);
        }
      })();
    },

    async query(vectorStoreId, query: IndexQuery) {
      const index = indexOf(vectorStoreId);
      const needsEmbedding = query.mode !== 'keyword';
      const needsText = query.mode !== 'vector';
      if (needsEmbedding) {
        if (!query.embedding) throw new InvalidRequestError(`A ${query.mode} query needs an embedding.`, { param: 'embedding' });
        requireVector(index, query.embedding, 'The query embedding');
      }
      if (needsText && typeof query.text !== 'string') throw new InvalidRequestError(`A ${query.mode} query needs a text.`, { param: 'text' });
      const k = Math.floor(query.k);
      if (!(k >= 1)) return [];
      const filter = query.filters ? compileAttributeFilter(query.filters as AttributeFilter, 'c.attributes') : undefined;

      let hits: IndexHit[];
      if (query.mode === 'vector') {
        [hits] = fetchHits(index, [vectorSearch(index, query.embedding as Float32Array, k, filter)]) as [IndexHit[]];
      } else if (query.mode === 'keyword') {
        [hits] = fetchHits(index, [keywordSearch(index, query.text as string, k, filter)]) as [IndexHit[]];
      } else {
        const depth = Math.max(k * 4, HYBRID_MIN_DEPTH);
        const [vector, keyword] = fetchHits(index, [
          vectorSearch(index, query.embedding as Float32Array, depth, filter),
          keywordSearch(index, query.text as string, depth, filter),
        ]);
        hits = fuseHybrid(vector as IndexHit[], keyword as IndexHit[], query.ranker, k);
      }
      const threshold = query.scoreThreshold;
      return threshold === undefined ? hits : hits.filter((hit) => hit.score >= threshold);
    },

    async listFileChunks(vectorStoreId, fileId) {
      const index = indexOf(vectorStoreId);
      return (index.statements.listFileChunks.all(fileId) as string[]).map((chunk) => JSON.parse(chunk) as Chunk);
    },

    async updateFileAttributes(vectorStoreId, fileId, attributes) {
      const index = indexOf(vectorStoreId);
      index.statements.updateFileAttributes.run(JSON.stringify(attributes ?? {}), fileId);
    },

    async countChunks(vectorStoreId) {
      return indexOf(vectorStoreId).statements.count.get() as number;
    },

    async close() {
      if (closed) return;
      closed = true;
      handles.clear();
      db.close();
    },
  };
}
