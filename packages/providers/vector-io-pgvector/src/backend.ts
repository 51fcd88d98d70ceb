import { InvalidRequestError, postgresTlsOptions, silentLogger, UpstreamError, type Logger } from '@stack/core';
import {
  fuseHybrid,
  keywordTokens,
  type AttributeFilter,
  type Attributes,
  type Chunk,
  type IndexedChunk,
  type IndexHit,
  type IndexQuery,
  type VectorIndexBackend,
  type VectorIndexConfig,
} from '@stack/vector-io-api';
import pg from 'pg';
import type { PgvectorBackendConfig } from './config.js';
import { filterToSql, SqlParameters } from './filter-sql.js';
import { checkTablePrefix, chunkIndexNames, chunkTableName, DEFAULT_TABLE_PREFIX, quoteIdentifier, registryTableName } from './identifiers.js';
import {
  annIndexDdl,
  annIndexStateSql,
  chunkTableDdl,
  keywordQuerySql,
  registryTableDdl,
  tableStatements,
  vectorQuerySql,
  type AnnIndexKind,
  type AnnIndexParameters,
  type TableStatements,
} from './sql.js';
import { encodeVector, encodeVectorArray } from './vector-binary.js';

/** Options of `createPgvectorBackend` that are not part of the provider config. */
export interface PgvectorBackendOptions {
  /** Prefix of every table the backend creates, instead of the config's `table_prefix` (tests use their own). */
  tablePrefix?: string;
  logger?: Logger;
}

/** The backend, plus control over its approximate-index builds (tests, benchmarks, operators). */
export interface PgvectorIndexBackend extends VectorIndexBackend {
  /**
   * Builds the approximate index of one vector index now, whatever its row count, and waits for it.
   * Does nothing when it exists already or the dimension is beyond pgvector's index limit.
   */
  buildIndex(vectorStoreId: string): Promise<void>;
  /** Settles when the background builds started so far have finished. */
  indexBuilds(): Promise<void>;
}

/** pgvector's `vector` type holds at most 16000 dimensions; its HNSW and IVFFlat indexes at most 2000. */
export const MAX_VECTOR_DIMENSION = 16000;
export const MAX_INDEXED_DIMENSION = 2000;
/**
 * pgvector trains IVFFlat lists by k-means over a sample of 50 rows per list; an index built
 * before that many rows exist keeps poor lists for good, so it waits for them.
 */
export const IVFFLAT_ROWS_PER_LIST = 50;
/** Rows per INSERT statement of an upsert (all of them in one transaction). */
const UPSERT_BATCH_ROWS = 500;
/** pgvector's upper bound for `hnsw.ef_search`. */
const MAX_EF_SEARCH = 1000;
/**
 * Extra rows an approximate query reads beyond k: an index scan breaks ties between equally
 * distant chunks arbitrarily, so a few more rows let the final sort break them by id.
 */
const APPROXIMATE_MARGIN = 8;
/**
 * Index tuples an HNSW iterative scan may visit per wanted row (within pgvector's 20000 default
 * cap). A filter so selective that the scan finds fewer than k rows within that budget is answered
 * by an exact scan instead, which is cheaper for such filters than walking the whole graph.
 */
const HNSW_TUPLES_PER_ROW = 100;
const HNSW_MIN_SCAN_TUPLES = 2000;
const HNSW_MAX_SCAN_TUPLES = 20000;
/** How often a query on an index without its approximate index asks whether another process built it. */
const STATE_CHECK_INTERVAL_MS = 5000;
/** IVFFlat iterative scans probe at most this many times the configured probes before an exact scan takes over. */
const IVFFLAT_PROBE_GROWTH = 4;
/** Candidates taken from each side of a hybrid query before fusion: max(k × 4, 50). */
const HYBRID_DEPTH_FACTOR = 4;
const HYBRID_MIN_DEPTH = 50;
/** `maintenance_work_mem` for an index build: enough to hold the graph in memory, within bounds. */
const BUILD_MEMORY_MIN_MB = 64;
const BUILD_MEMORY_MAX_MB = 1024;
const BOOTSTRAP_LOCK = 'stack-vector-io-pgvector:bootstrap';

const UNDEFINED_TABLE = '42P01';
/** SQLSTATE class 22 (data exception): bad input a caller can fix. */
const DATA_EXCEPTION_CLASS = '22';

interface IndexInfo {
  vectorStoreId: string;
  table: string;
  dimension: number;
  ann: AnnIndexKind;
  /** Whether a valid approximate index exists. */
  annReady: boolean;
  /** Rows were written since the row count was last compared with the build threshold. */
  buildCheckDue: boolean;
  /** The running build, if any (it never rejects), and its server process, to cancel it. */
  building: Promise<void> | undefined;
  buildPid: number | undefined;
  /** When the catalog was last asked whether another process built the approximate index. */
  stateCheckedAt: number;
  statements: TableStatements;
}

interface RegistryRow {
  table_name: string;
  dimension: number;
  ann_index: string;
  ann_ready: boolean;
}

interface HitRow {
  id: string;
  file_id: string | null;
  attributes: Attributes | null;
  chunk: Chunk;
}

function notFound(vectorStoreId: string): InvalidRequestError {
  return new InvalidRequestError(`Vector index '${vectorStoreId}' does not exist.`, { code: 'not_found' });
}

function closedError(): InvalidRequestError {
  return new InvalidRequestError('The pgvector backend is closed.');
}

function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** Errors the server reported (with a SQLSTATE) leave the connection usable; anything else may not. */
function connectionBroken(error: unknown): boolean {
  return sqlState(error) === undefined;
}

/** PostgreSQL text cannot hold NUL characters: reject them in identifiers and attributes. */
function checkStorableText(value: string, what: string): void {
  if (value.includes('\u0000')) throw new InvalidRequestError(`${what} contains a NUL character, which PostgreSQL cannot store.`);
}

function checkAttributes(attributes: Attributes, what: string): void {
  for (const [key, value] of Object.entries(attributes)) {
    checkStorableText(key, `${what}: attribute name '${key}'`);
    if (typeof value === 'string') checkStorableText(value, `${what}: attribute '${key}'`);
    else if (typeof value === 'number' && !Number.isFinite(value)) {
      throw new InvalidRequestError(`${what}: attribute '${key}' is ${value}; attributes must be finite numbers, strings or booleans.`);
    }
  }
}

function checkEmbedding(embedding: Float32Array, info: IndexInfo, what: string): void {
  if (embedding.length !== info.dimension) {
    throw new InvalidRequestError(`${what} has ${embedding.length} dimensions; vector index '${info.vectorStoreId}' has dimension ${info.dimension}.`);
  }
  for (let index = 0; index < embedding.length; index += 1) {
    if (!Number.isFinite(embedding[index])) throw new InvalidRequestError(`${what} has a non-finite value at position ${index}.`);
  }
}

/** Ordering by code unit, as JavaScript compares strings (and `COLLATE "C"` orders text without characters beyond U+FFFF). */
function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function toHit(row: HitRow, score: number): IndexHit {
  return { chunkId: row.id, chunk: row.chunk, fileId: row.file_id ?? undefined, attributes: row.attributes ?? {}, score };
}

function byScore(a: IndexHit, b: IndexHit): number {
  return b.score - a.score || compareIds(a.chunkId, b.chunkId);
}

interface IndexSettings {
  hnsw: Extract<AnnIndexParameters, { kind: 'HNSW' }>;
  ivfflat: Extract<AnnIndexParameters, { kind: 'IVFFlat' }>;
  efSearch: number;
  probes: number;
  minRows: number;
}

/** The configured index parameters, with pgvector's defaults for the kind not configured (an index made under an earlier config keeps its kind). */
function indexSettings(config: PgvectorBackendConfig): IndexSettings {
  const index = config.vector_index;
  return {
    hnsw: { kind: 'HNSW', m: index.type === 'HNSW' ? index.m : 16, efConstruction: index.type === 'HNSW' ? index.ef_construction : 64 },
    ivfflat: { kind: 'IVFFlat', lists: index.type === 'IVFFlat' ? index.lists : 100 },
    efSearch: index.type === 'HNSW' ? index.ef_search : 40,
    probes: index.type === 'IVFFlat' ? index.probes : 10,
    minRows: config.vector_index_min_rows,
  };
}

/**
 * An index backend on PostgreSQL with pgvector. One registry table lists the indexes; each index
 * is a table of chunks (text, JSON chunk, `jsonb` attributes, a generated English `tsvector` with
 * a GIN index, and the embedding as `vector(dimension)`), with an HNSW or IVFFlat cosine index.
 *
 * - The approximate index is built in the background (`CREATE INDEX CONCURRENTLY`) by the first
 *   vector query that finds at least `vector_index_min_rows` rows (IVFFlat: also lists × 50), so
 *   bulk loads insert without per-row graph updates; until it exists queries scan exactly.
 * - Vector queries use the approximate index with pgvector 0.8's iterative scans (relaxed order,
 *   re-sorted), so filters are applied inside the index scan; when that still yields fewer than k
 *   rows, an exact scan answers instead, so a query always returns up to k matching hits.
 * - Keyword queries match chunks containing any query term (English stemming, stop words left
 *   out) scored by `ts_rank`. Hybrid queries fuse both with `fuseHybrid`.
 * - Upserts send vectors in pgvector's binary format through `unnest`, 500 rows per statement,
 *   all in one transaction.
 */
export async function createPgvectorBackend(config: PgvectorBackendConfig, options: PgvectorBackendOptions = {}): Promise<PgvectorIndexBackend> {
  const prefix = checkTablePrefix(options.tablePrefix ?? config.table_prefix ?? DEFAULT_TABLE_PREFIX);
  const logger = options.logger ?? silentLogger;
  const registry = quoteIdentifier(registryTableName(prefix));
  const settings = indexSettings(config);
  const server = `${config.host}:${config.port}/${config.db}`;

  const pool = new pg.Pool({
    host: config.host,
    port: config.port,
    database: config.db,
    user: config.user,
    password: config.password,
    ssl: postgresTlsOptions(config),
    max: config.pool_max_size,
    min: config.pool_min_size,
    statement_timeout: Math.round(config.command_timeout * 1000),
    connectionTimeoutMillis: 10_000,
    application_name: 'stack-vector-io-pgvector',
  });
  // An idle connection dropped by the server is reported here; the pool replaces it.
  pool.on('error', (error) => logger.warn('pgvector: idle connection lost', { error: error.message }));

  /** Session settings each pooled connection has, so a query only sends the ones that change. */
  const sessionSettings = new WeakMap<pg.PoolClient, Map<string, string>>();
  const indexes = new Map<string, IndexInfo>();
  /** Running builds, to cancel and await them on close. */
  const builds = new Map<Promise<void>, IndexInfo>();
  let closed = false;

  async function withClient<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    if (closed) throw closedError();
    const client = await pool.connect();
    try {
      const result = await work(client);
      client.release();
      return result;
    } catch (error) {
      client.release(connectionBroken(error));
      throw error;
    }
  }

  async function transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return withClient(async (client) => {
      await client.query('BEGIN');
      try {
        const result = await work(client);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    });
  }

  async function lock(client: pg.PoolClient, key: string): Promise<void> {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1::text))', [key]);
  }

  async function applySessionSettings(client: pg.PoolClient, wanted: Record<string, string>): Promise<void> {
    let current = sessionSettings.get(client);
    if (!current) {
      current = new Map();
      sessionSettings.set(client, current);
    }
    const changes = Object.entries(wanted).filter(([name, value]) => current.get(name) !== value);
    if (changes.length === 0) return;
    const params = new SqlParameters();
    const calls = changes.map(([name, value]) => `set_config(${params.add(name)}::text, ${params.add(value)}::text, false)`);
    await client.query(`SELECT ${calls.join(', ')}`, params.values);
    for (const [name, value] of changes) current.set(name, value);
  }

  /** Maps server errors of an operation on one index: a vanished table is `not_found`, bad data a 400. */
  async function onTable<T>(info: IndexInfo, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      const state = sqlState(error);
      if (state === UNDEFINED_TABLE) {
        indexes.delete(info.vectorStoreId);
        throw notFound(info.vectorStoreId);
      }
      if (state?.startsWith(DATA_EXCEPTION_CLASS)) {
        throw new InvalidRequestError(`Vector index '${info.vectorStoreId}': ${(error as Error).message}`, { cause: error });
      }
      throw error;
    }
  }

  function infoFromRow(vectorStoreId: string, row: RegistryRow): IndexInfo {
    const ann = (['HNSW', 'IVFFlat'].includes(row.ann_index) ? row.ann_index : 'none') as AnnIndexKind;
    return {
      vectorStoreId,
      table: row.table_name,
      dimension: row.dimension,
      ann,
      annReady: ann !== 'none' && row.ann_ready,
      buildCheckDue: true,
      building: undefined,
      buildPid: undefined,
      stateCheckedAt: 0,
      statements: tableStatements(row.table_name),
    };
  }

  async function readRegistry(queryable: pg.Pool | pg.PoolClient, vectorStoreId: string): Promise<RegistryRow | undefined> {
    const { rows } = await queryable.query<RegistryRow>(
      `SELECT table_name, dimension, ann_index,
         COALESCE((SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass(quote_ident(table_name || '_ann'))), false) AS ann_ready
       FROM ${registry} WHERE vector_store_id = $1::text`,
      [vectorStoreId],
    );
    return rows[0];
  }

  async function resolve(vectorStoreId: string): Promise<IndexInfo> {
    if (closed) throw closedError();
    const cached = indexes.get(vectorStoreId);
    if (cached) return cached;
    const row = await readRegistry(pool, vectorStoreId);
    if (!row) throw notFound(vectorStoreId);
    const info = infoFromRow(vectorStoreId, row);
    indexes.set(vectorStoreId, info);
    return info;
  }

  function annParameters(info: IndexInfo): AnnIndexParameters {
    return info.ann === 'HNSW' ? settings.hnsw : settings.ivfflat;
  }

  function buildThreshold(info: IndexInfo): number {
    return info.ann === 'IVFFlat' ? Math.max(settings.minRows, settings.ivfflat.lists * IVFFLAT_ROWS_PER_LIST) : settings.minRows;
  }

  async function annIndexState(queryable: pg.Pool | pg.PoolClient, info: IndexInfo): Promise<'absent' | 'valid' | 'invalid'> {
    const { rows } = await queryable.query<{ state: 'absent' | 'valid' | 'invalid' }>(annIndexStateSql, [chunkIndexNames(info.table).ann]);
    return rows[0]?.state ?? 'absent';
  }

  /**
   * Builds the approximate index on a connection of its own, without blocking writes. A session
   * advisory lock keeps two processes from building the same index (`wait`: wait for the other
   * build rather than leave); an invalid index left by a cancelled or crashed build is dropped first.
   */
  async function build(info: IndexInfo, wait: boolean): Promise<void> {
    if (closed) throw closedError();
    const client = await pool.connect();
    const annName = quoteIdentifier(chunkIndexNames(info.table).ann);
    let locked = false;
    try {
      // A build (or waiting for another process's build) may take longer than any statement.
      await client.query('SET statement_timeout = 0');
      const { rows: session } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      info.buildPid = session[0]?.pid;
      const key = `${prefix}:build:${info.table}`;
      const { rows } = await client.query<{ locked: boolean }>(
        wait ? 'SELECT pg_advisory_lock(hashtext($1::text)) IS NOT NULL AS locked' : 'SELECT pg_try_advisory_lock(hashtext($1::text)) AS locked',
        [key],
      );
      locked = rows[0]?.locked === true;
      if (!locked || closed) return;
      const state = await annIndexState(client, info);
      if (state === 'valid') {
        info.annReady = true;
        return;
      }
      if (state === 'invalid') await client.query(`DROP INDEX IF EXISTS ${annName}`);
      const { rows: counts } = await client.query<{ n: string }>(info.statements.count);
      const rowCount = Number(counts[0]?.n ?? 0);
      const parameters = annParameters(info);
      const graphBytes = rowCount * (info.dimension * 4 + (parameters.kind === 'HNSW' ? parameters.m * 16 : 0) + 64) * 1.5;
      const memoryMb = Math.min(BUILD_MEMORY_MAX_MB, Math.max(BUILD_MEMORY_MIN_MB, Math.ceil(graphBytes / 2 ** 20)));
      await client.query(`SET maintenance_work_mem = '${memoryMb}MB'`);
      const started = Date.now();
      logger.info('pgvector: building the approximate index', { vectorStoreId: info.vectorStoreId, kind: info.ann, rows: rowCount });
      await client.query(annIndexDdl(info.table, parameters, true));
      info.annReady = true;
      logger.info('pgvector: approximate index built', { vectorStoreId: info.vectorStoreId, kind: info.ann, ms: Date.now() - started });
    } catch (error) {
      // A failed concurrent build leaves an invalid index behind, which only slows writes down.
      if (locked && sqlState(error) !== undefined) {
        const state = await annIndexState(client, info).catch(() => 'absent');
        if (state === 'invalid') await client.query(`DROP INDEX IF EXISTS ${annName}`).catch(() => undefined);
      }
      throw error;
    } finally {
      info.buildPid = undefined;
      // The connection holds a session lock and settings of its own: close it.
      client.release(true);
    }
  }

  /** Records a build as running (for close and deleteIndex) and logs its failure; the result never rejects. */
  function track(info: IndexInfo, attempt: Promise<void>): Promise<void> {
    const running: Promise<void> = attempt
      .catch((error: unknown) => {
        if (closed || sqlState(error) === UNDEFINED_TABLE) return;
        logger.warn('pgvector: could not build the approximate index; queries scan exactly meanwhile', {
          vectorStoreId: info.vectorStoreId,
          error: (error as Error).message,
        });
      })
      .finally(() => {
        if (info.building === running) info.building = undefined;
        builds.delete(running);
      });
    info.building = running;
    builds.set(running, info);
    return running;
  }

  /** Cancels the running builds of the given indexes (a cancelled build cleans up after itself) and waits for them. */
  async function cancelBuilds(infos: readonly IndexInfo[]): Promise<void> {
    const pids = infos.map((info) => info.buildPid).filter((pid): pid is number => pid !== undefined);
    if (pids.length > 0) await pool.query('SELECT pg_cancel_backend(pid) FROM unnest($1::int[]) AS pid', [pids]).catch(() => undefined);
    await Promise.allSettled(infos.map((info) => info.building));
  }

  /** Before a vector query on an index without its approximate index: notice one built elsewhere, or start a build once enough rows exist. */
  async function prepareApproximateIndex(info: IndexInfo): Promise<void> {
    if (info.ann === 'none' || info.annReady || info.building) return;
    const now = Date.now();
    if (!info.buildCheckDue && now - info.stateCheckedAt < STATE_CHECK_INTERVAL_MS) return;
    info.stateCheckedAt = now;
    if ((await annIndexState(pool, info)) === 'valid') {
      info.annReady = true;
      return;
    }
    if (!info.buildCheckDue) return;
    info.buildCheckDue = false;
    const { rows } = await pool.query<{ n: string }>({ name: `${info.table}:cnt`, text: info.statements.count });
    if (Number(rows[0]?.n ?? 0) >= buildThreshold(info)) void track(info, build(info, false));
  }

  function annSessionSettings(info: IndexInfo, limit: number): Record<string, string> {
    if (info.ann === 'HNSW') {
      return {
        'hnsw.ef_search': String(Math.min(MAX_EF_SEARCH, Math.max(settings.efSearch, limit))),
        'hnsw.iterative_scan': 'relaxed_order',
        'hnsw.max_scan_tuples': String(Math.min(HNSW_MAX_SCAN_TUPLES, Math.max(HNSW_MIN_SCAN_TUPLES, limit * HNSW_TUPLES_PER_ROW))),
      };
    }
    return {
      'ivfflat.probes': String(settings.probes),
      'ivfflat.iterative_scan': 'relaxed_order',
      'ivfflat.max_probes': String(Math.min(settings.ivfflat.lists, settings.probes * IVFFLAT_PROBE_GROWTH)),
    };
  }

  async function vectorHits(info: IndexInfo, embedding: Float32Array, limit: number, filter: AttributeFilter | undefined): Promise<IndexHit[]> {
    await prepareApproximateIndex(info);
    const params = new SqlParameters([encodeVector(embedding)]);
    const condition = filter ? filterToSql(filter, params) : 'TRUE';
    const rows = await withClient(async (client) => {
      if (info.annReady) {
        const fetch = limit + APPROXIMATE_MARGIN;
        await applySessionSettings(client, annSessionSettings(info, fetch));
        const approximate = await client.query<HitRow & { distance: number }>(vectorQuerySql(info.table, condition, fetch, true), params.values);
        if (approximate.rows.length >= limit) {
          logger.debug('pgvector: vector query', { vectorStoreId: info.vectorStoreId, scan: 'approximate', rows: approximate.rows.length });
          return approximate.rows;
        }
      }
      const exact = await client.query<HitRow & { distance: number }>(vectorQuerySql(info.table, condition, limit, false), params.values);
      logger.debug('pgvector: vector query', {
        vectorStoreId: info.vectorStoreId,
        scan: info.annReady ? 'exact after approximate' : 'exact',
        rows: exact.rows.length,
      });
      return exact.rows;
    });
    // A zero vector has no direction: pgvector answers NaN, cosineSimilarity 0.
    return rows
      .map((row) => toHit(row, Number.isNaN(row.distance) ? 0 : 1 - row.distance))
      .sort(byScore)
      .slice(0, limit);
  }

  async function keywordHits(info: IndexInfo, text: string, limit: number, filter: AttributeFilter | undefined): Promise<IndexHit[]> {
    const terms = keywordTokens(text);
    if (terms.length === 0) return [];
    const params = new SqlParameters([terms.join(' or ')]);
    const condition = filter ? filterToSql(filter, params) : 'TRUE';
    const { rows } = await pool.query<HitRow & { score: number }>(keywordQuerySql(info.table, condition, limit), params.values);
    return rows.map((row) => toHit(row, row.score));
  }

  async function createTables(client: pg.PoolClient, table: string, dimension: number, ann: AnnIndexKind): Promise<void> {
    for (const statement of chunkTableDdl(table, dimension)) await client.query(statement);
    // An HNSW index can grow row by row from empty; with no threshold it comes with the table.
    if (ann === 'HNSW' && settings.minRows === 0) await client.query(annIndexDdl(table, settings.hnsw, false));
  }

  async function bootstrap(): Promise<number> {
    try {
      return await transaction(async (client) => {
        await lock(client, BOOTSTRAP_LOCK);
        await client.query('CREATE EXTENSION IF NOT EXISTS vector');
        await client.query(registryTableDdl(registryTableName(prefix)));
        const { rows } = await client.query<{ oid: number }>(`SELECT 'vector'::regtype::oid AS oid`);
        return Number(rows[0]?.oid);
      });
    } catch (error) {
      closed = true;
      await pool.end().catch(() => undefined);
      throw new UpstreamError(`pgvector: cannot prepare PostgreSQL at ${server}: ${(error as Error).message}`, { cause: error });
    }
  }

  const vectorTypeOid = await bootstrap();
  logger.debug('pgvector: connected', { server, tablePrefix: prefix, index: config.vector_index.type });

  return {
    async createIndex(indexConfig: VectorIndexConfig) {
      const { vectorStoreId, dimension } = indexConfig;
      if (typeof vectorStoreId !== 'string' || vectorStoreId === '') throw new InvalidRequestError('vectorStoreId must be a non-empty string.', { param: 'vectorStoreId' });
      checkStorableText(vectorStoreId, 'vectorStoreId');
      if (!Number.isInteger(dimension) || dimension < 1 || dimension > MAX_VECTOR_DIMENSION) {
        throw new InvalidRequestError(`dimension must be an integer from 1 to ${MAX_VECTOR_DIMENSION} (pgvector's limit); got ${dimension}.`, { param: 'dimension' });
      }
      const info = await transaction(async (client) => {
        await lock(client, `${prefix}:${vectorStoreId}`);
        const existing = await readRegistry(client, vectorStoreId);
        if (existing) {
          if (existing.dimension !== dimension) {
            throw new InvalidRequestError(
              `Vector index '${vectorStoreId}' already exists with dimension ${existing.dimension}; it cannot be created again with dimension ${dimension}.`,
              { param: 'dimension' },
            );
          }
          const { rows } = await client.query<{ present: boolean }>('SELECT to_regclass(quote_ident($1::text)) IS NOT NULL AS present', [existing.table_name]);
          if (!rows[0]?.present) await createTables(client, existing.table_name, dimension, existing.ann_index as AnnIndexKind);
          return infoFromRow(vectorStoreId, (await readRegistry(client, vectorStoreId)) as RegistryRow);
        }
        const table = chunkTableName(prefix, vectorStoreId);
        const ann: AnnIndexKind = dimension > MAX_INDEXED_DIMENSION ? 'none' : config.vector_index.type;
        await createTables(client, table, dimension, ann);
        await client.query(
          `INSERT INTO ${registry} (vector_store_id, table_name, dimension, embedding_model, ann_index) VALUES ($1::text, $2::text, $3::integer, $4::text, $5::text)`,
          [vectorStoreId, table, dimension, indexConfig.embeddingModel ?? '', ann],
        );
        if (ann === 'none') logger.info('pgvector: dimension beyond the approximate index limit, queries scan exactly', { vectorStoreId, dimension });
        return infoFromRow(vectorStoreId, (await readRegistry(client, vectorStoreId)) as RegistryRow);
      });
      const previous = indexes.get(vectorStoreId);
      indexes.set(vectorStoreId, previous?.table === info.table ? Object.assign(previous, { annReady: info.annReady, buildCheckDue: true }) : info);
    },

    async deleteIndex(vectorStoreId) {
      if (closed) throw closedError();
      const cached = indexes.get(vectorStoreId);
      if (cached?.building) await cancelBuilds([cached]);
      await transaction(async (client) => {
        await lock(client, `${prefix}:${vectorStoreId}`);
        const existing = await readRegistry(client, vectorStoreId);
        const tables = new Set([chunkTableName(prefix, vectorStoreId), ...(existing ? [existing.table_name] : [])]);
        for (const table of tables) await client.query(`DROP TABLE IF EXISTS ${quoteIdentifier(table)}`);
        await client.query(`DELETE FROM ${registry} WHERE vector_store_id = $1::text`, [vectorStoreId]);
      });
      indexes.delete(vectorStoreId);
    },

    async upsertChunks(vectorStoreId, chunks: readonly IndexedChunk[]) {
      const info = await resolve(vectorStoreId);
      const latest = new Map<string, IndexedChunk>();
      chunks.forEach((chunk, position) => {
        const what = `Chunk ${position} ('${chunk.chunkId}')`;
        if (typeof chunk.chunkId !== 'string' || chunk.chunkId === '') throw new InvalidRequestError(`Chunk ${position} has no chunkId.`, { param: 'chunkId' });
        checkStorableText(chunk.chunkId, `${what}: chunkId`);
        if (chunk.fileId !== undefined) checkStorableText(chunk.fileId, `${what}: fileId`);
        checkEmbedding(chunk.embedding, info, what);
        checkAttributes(chunk.attributes ?? {}, what);
        latest.set(chunk.chunkId, chunk);
      });
      if (latest.size === 0) return;
      // One row per id (the last wins), in a fixed order so concurrent upserts lock rows alike.
      const rows = [...latest.values()].sort((a, b) => compareIds(a.chunkId, b.chunkId));
      await onTable(info, () =>
        transaction(async (client) => {
          for (let start = 0; start < rows.length; start += UPSERT_BATCH_ROWS) {
            const batch = rows.slice(start, start + UPSERT_BATCH_ROWS);
            await client.query({
              name: `${info.table}:up`,
              text: info.statements.upsert,
              values: [
                batch.map((chunk) => chunk.chunkId),
                batch.map((chunk) => chunk.fileId ?? null),
                batch.map((chunk) => (typeof chunk.position === 'number' && Number.isFinite(chunk.position) ? chunk.position : null)),
                batch.map((chunk) => JSON.stringify(chunk.attributes ?? {})),
                batch.map((chunk) => JSON.stringify(chunk.chunk)),
                batch.map((chunk) => chunk.text.replaceAll('\u0000', ' ')),
                encodeVectorArray(
                  batch.map((chunk) => chunk.embedding),
                  vectorTypeOid,
                ),
              ],
            });
          }
        }),
      );
      info.buildCheckDue = true;
    },

    async deleteChunks(vectorStoreId, selector) {
      const info = await resolve(vectorStoreId);
      const chunkIds = [...(selector.chunkIds ?? [])];
      if (chunkIds.length === 0 && selector.fileId === undefined) return;
      await onTable(info, () => pool.query({ name: `${info.table}:del`, text: info.statements.delete, values: [chunkIds, selector.fileId ?? null] }));
    },

    async query(vectorStoreId, query: IndexQuery) {
      const info = await resolve(vectorStoreId);
      if (!['vector', 'keyword', 'hybrid'].includes(query.mode)) throw new InvalidRequestError(`Unknown search mode '${String(query.mode)}'.`, { param: 'mode' });
      const needsEmbedding = query.mode !== 'keyword';
      const needsText = query.mode !== 'vector';
      if (needsEmbedding && !query.embedding) throw new InvalidRequestError(`A ${query.mode} query needs an embedding.`, { param: 'embedding' });
      if (needsText && query.text === undefined) throw new InvalidRequestError(`A ${query.mode} query needs a text.`, { param: 'text' });
      if (needsEmbedding) checkEmbedding(query.embedding as Float32Array, info, 'The query embedding');
      const k = Math.floor(query.k);
      if (!(k >= 1)) return [];

      const hits = await onTable(info, async () => {
        if (query.mode === 'vector') return vectorHits(info, query.embedding as Float32Array, k, query.filters);
        if (query.mode === 'keyword') return keywordHits(info, query.text as string, k, query.filters);
        const depth = Math.max(k * HYBRID_DEPTH_FACTOR, HYBRID_MIN_DEPTH);
        const [vector, keyword] = await Promise.all([
          vectorHits(info, query.embedding as Float32Array, depth, query.filters),
          keywordHits(info, query.text as string, depth, query.filters),
        ]);
        return fuseHybrid(vector, keyword, query.ranker, k);
      });
      const threshold = query.scoreThreshold;
      return threshold === undefined ? hits : hits.filter((hit) => hit.score >= threshold);
    },

    async listFileChunks(vectorStoreId, fileId) {
      const info = await resolve(vectorStoreId);
      const { rows } = await onTable(info, () => pool.query<{ chunk: Chunk }>({ name: `${info.table}:lst`, text: info.statements.listFile, values: [fileId] }));
      return rows.map((row) => row.chunk);
    },

    async updateFileAttributes(vectorStoreId, fileId, attributes) {
      const info = await resolve(vectorStoreId);
      checkAttributes(attributes, `File '${fileId}'`);
      await onTable(info, () =>
        pool.query({ name: `${info.table}:upd`, text: info.statements.updateAttributes, values: [fileId, JSON.stringify(attributes)] }),
      );
    },

    async countChunks(vectorStoreId) {
      const info = await resolve(vectorStoreId);
      const { rows } = await onTable(info, () => pool.query<{ n: string }>({ name: `${info.table}:cnt`, text: info.statements.count }));
      return Number(rows[0]?.n ?? 0);
    },

    async buildIndex(vectorStoreId) {
      const info = await resolve(vectorStoreId);
      if (info.ann === 'none' || info.annReady) return;
      await onTable(info, async () => {
        if (info.building) await info.building;
        if (info.annReady) return;
        const attempt = build(info, true);
        void track(info, attempt);
        await attempt;
        if (!info.annReady) throw new UpstreamError(`pgvector: the approximate index of vector index '${vectorStoreId}' was not built.`);
      });
    },

    async indexBuilds() {
      await Promise.allSettled([...builds.keys()]);
    },

    async close() {
      if (closed) return;
      closed = true;
      await cancelBuilds([...new Set(builds.values())]);
      indexes.clear();
      await pool.end();
    },
  };
}

/** The names a backend gives an index's table and its approximate index (for tests and operators). */
export function pgvectorTableNames(vectorStoreId: string, tablePrefix = DEFAULT_TABLE_PREFIX): { table: string; annIndex: string } {
  const table = chunkTableName(checkTablePrefix(tablePrefix), vectorStoreId);
  return { table, annIndex: chunkIndexNames(table).ann };
}
