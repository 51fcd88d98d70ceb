import { InvalidRequestError, silentLogger, UpstreamError, type Logger } from '@stack/core';
import { postgresTestConfig, postgresTestsEnabled, seededRandom } from '@stack/core/testing';
import { cosineSimilarity, matchesFilter, type AttributeFilter, type IndexedChunk } from '@stack/vector-io-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgvectorBackend, IVFFLAT_ROWS_PER_LIST, pgvectorTableNames, type PgvectorIndexBackend } from '../src/backend.js';
import { pgvectorBackendConfigSchema } from '../src/config.js';
import { dropTablesWithPrefix, testBackendConfig, testClient, testTablePrefix } from './support.js';

const enabled = await postgresTestsEnabled('@stack/vector-io-pgvector backend');

function randomCorpus(count: number, dimension: number, seed: number): IndexedChunk[] {
  const next = seededRandom(seed);
  return Array.from({ length: count }, (_, index) => ({
    chunkId: `r${String(index).padStart(4, '0')}`,
    text: `random chunk ${index} ${index % 10 === 0 ? 'rare' : 'usual'}`,
    embedding: Float32Array.from({ length: dimension }, () => next() - 0.5),
    attributes: { bucket: index % 50, group: index % 3 === 0 ? 'three' : 'other', n: index },
    fileId: `file-${index % 7}`,
    position: index,
    chunk: { chunk_id: `r${index}`, content: `random chunk ${index}`, metadata: {} },
  }));
}

function plain(chunkId: string, text: string, embedding: number[], extra: Partial<IndexedChunk> = {}): IndexedChunk {
  return { chunkId, text, embedding: Float32Array.from(embedding), attributes: {}, chunk: { chunk_id: chunkId, content: text, metadata: {} }, ...extra };
}

function exactTop(corpus: readonly IndexedChunk[], query: Float32Array, k: number, filter?: AttributeFilter): string[] {
  return corpus
    .filter((item) => !filter || matchesFilter(filter, item.attributes))
    .map((item) => ({ id: item.chunkId, score: cosineSimilarity(item.embedding, query) }))
    .sort((a, b) => b.score - a.score)
    .slice(0, k)
    .map((entry) => entry.id);
}

async function rejection(promise: Promise<unknown>): Promise<Error & { code?: string; param?: string }> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error as Error & { code?: string },
  );
}

async function waitFor<T>(check: () => Promise<T | undefined | false>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function inspect<T>(work: (client: Awaited<ReturnType<typeof testClient>>) => Promise<T>): Promise<T> {
  const client = await testClient();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** 'absent', 'valid' or 'invalid'. */
function annIndexState(name: string): Promise<string> {
  return inspect(async (client) => {
    const { rows } = await client.query<{ valid: boolean | null }>('SELECT (SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass($1::text)) AS valid', [name]);
    const valid = rows[0]?.valid;
    return valid === null || valid === undefined ? 'absent' : valid ? 'valid' : 'invalid';
  });
}

/** A logger that keeps the scans vector queries report. */
function scanRecorder(): { logger: Logger; scans: string[] } {
  const scans: string[] = [];
  const logger: Logger = {
    ...silentLogger,
    debug: (message, fields) => {
      if (message === 'pgvector: vector query') scans.push(String(fields?.scan));
    },
    child: () => logger,
  };
  return { logger, scans };
}

function buildRunning(): Promise<boolean> {
  return inspect(async (client) => {
    const { rows } = await client.query(
      `SELECT 1 FROM pg_stat_activity WHERE application_name = 'stack-vector-io-pgvector' AND query LIKE 'CREATE INDEX CONCURRENTLY%' AND state = 'active'`,
    );
    return rows.length > 0;
  });
}

async function indexNames(table: string): Promise<string[]> {
  const client = await testClient();
  try {
    const { rows } = await client.query<{ indexname: string }>('SELECT indexname FROM pg_indexes WHERE tablename = $1 ORDER BY indexname', [table]);
    return rows.map((row) => row.indexname);
  } finally {
    await client.end();
  }
}

describe.skipIf(!enabled)('pgvector backend (HNSW)', () => {
  const tablePrefix = testTablePrefix('hnsw');
  const { logger, scans } = scanRecorder();
  let backend: PgvectorIndexBackend;
  let counter = 0;
  const newIndex = async (dimension: number, id = `vs_${(counter += 1)}`) => {
    await backend.createIndex({ vectorStoreId: id, dimension, embeddingModel: 'test-model' });
    return id;
  };

  beforeAll(async () => {
    backend = await createPgvectorBackend(testBackendConfig({ type: 'HNSW', m: 16, ef_construction: 64, ef_search: 10 }), { tablePrefix, logger });
  });

  afterAll(async () => {
    await backend?.close();
    await dropTablesWithPrefix(tablePrefix);
  });

  it('creates one table per index with a full-text index, a file index and (once built) an HNSW cosine index', async () => {
    const id = await newIndex(4, 'vs_tables');
    const { table, annIndex } = pgvectorTableNames(id, tablePrefix);
    expect(await indexNames(table)).not.toContain(annIndex);
    await backend.buildIndex(id);
    const names = await indexNames(table);
    expect(names).toContain(annIndex);
    expect(names).toEqual(expect.arrayContaining([`${table}_fts`, `${table}_file`, `${table}_pkey`]));
    const client = await testClient();
    try {
      const { rows } = await client.query<{ indexdef: string }>('SELECT indexdef FROM pg_indexes WHERE indexname = $1', [annIndex]);
      expect(rows[0]?.indexdef).toMatch(/USING hnsw \(embedding vector_cosine_ops\) WITH \(m='?16'?, ef_construction='?64'?\)/);
    } finally {
      await client.end();
    }
  });

  describe('on an index large enough for the planner to use the HNSW index', () => {
    const corpus = randomCorpus(3000, 16, 1);
    const byId = new Map(corpus.map((item) => [item.chunkId, item]));
    let id: string;
    beforeAll(async () => {
      id = await newIndex(16);
      await backend.upsertChunks(id, corpus);
      await backend.buildIndex(id);
    });

    it('returns k hits when k exceeds ef_search, best first, scored by cosine similarity', async () => {
      const query = corpus[0]!.embedding;
      scans.length = 0;
      const hits = await backend.query(id, { mode: 'vector', embedding: query, k: 60 });
      expect(hits).toHaveLength(60);
      for (let index = 0; index < hits.length; index += 1) {
        const hit = hits[index]!;
        expect(hit.score).toBeCloseTo(cosineSimilarity(byId.get(hit.chunkId)!.embedding, query), 5);
        if (index > 0) expect(hits[index - 1]!.score).toBeGreaterThanOrEqual(hit.score);
      }
      expect(hits[0]?.chunkId).toBe('r0000');
      const exact = new Set(exactTop(corpus, query, 60));
      expect(hits.filter((hit) => exact.has(hit.chunkId)).length).toBeGreaterThanOrEqual(42);
      expect(scans).toEqual(['approximate']);
    });

    it('filters inside the index scan and still returns up to k matching hits', async () => {
      const query = corpus[5]!.embedding;
      // 5 of 3000 chunks match: fewer than k, all of them come back.
      const rare: AttributeFilter = { type: 'lt', key: 'n', value: 5 };
      scans.length = 0;
      const few = await backend.query(id, { mode: 'vector', embedding: query, k: 10, filters: rare });
      expect(few.map((hit) => hit.chunkId)).toEqual(exactTop(corpus, query, 10, rare));
      // 60 match (2%): k come back, all matching.
      const bucket: AttributeFilter = { type: 'eq', key: 'bucket', value: 7 };
      const some = await backend.query(id, { mode: 'vector', embedding: query, k: 10, filters: bucket });
      expect(some).toHaveLength(10);
      for (const hit of some) expect(hit.attributes.bucket).toBe(7);
      // 1000 match: k come back, all matching, mostly the exact best.
      const third: AttributeFilter = { type: 'eq', key: 'group', value: 'three' };
      const many = await backend.query(id, { mode: 'vector', embedding: query, k: 25, filters: third });
      expect(many).toHaveLength(25);
      for (const hit of many) expect(hit.attributes.group).toBe('three');
      const exact = new Set(exactTop(corpus, query, 25, third));
      expect(many.filter((hit) => exact.has(hit.chunkId)).length).toBeGreaterThanOrEqual(18);
      expect(scans).toEqual(['exact after approximate', 'approximate', 'approximate']);
    });
  });

  it('hybrid queries fuse up to k filtered hits from both sides', async () => {
    const id = await newIndex(16);
    const corpus = randomCorpus(200, 16, 3);
    await backend.upsertChunks(id, corpus);
    const filter: AttributeFilter = { type: 'ne', key: 'group', value: 'three' };
    const hits = await backend.query(id, { mode: 'hybrid', embedding: corpus[1]!.embedding, text: 'rare', k: 15, filters: filter });
    expect(hits).toHaveLength(15);
    for (const hit of hits) expect(hit.attributes.group).toBe('other');
    const keyword = await backend.query(id, { mode: 'keyword', text: 'rare', k: 100, filters: filter });
    expect(keyword.map((hit) => hit.chunkId).sort()).toEqual(
      corpus.filter((item) => item.text.endsWith('rare') && item.attributes.group === 'other').map((item) => item.chunkId),
    );
  });

  it('keyword search stems English words, ignores stop words and survives any query text', async () => {
    const id = await newIndex(2);
    await backend.upsertChunks(id, [
      plain('bananas', 'Bananas are yellow', [1, 0]),
      plain('running', 'She was running home', [0, 1]),
      plain('tokyo', '東京 is large; naïve café', [1, 1]),
    ]);
    const ids = async (text: string) => (await backend.query(id, { mode: 'keyword', text, k: 10 })).map((hit) => hit.chunkId);
    expect(await ids('banana')).toEqual(['bananas']);
    expect(await ids('runs')).toEqual(['running']);
    expect(await ids('東京')).toEqual(['tokyo']);
    expect(await ids('naïve')).toEqual(['tokyo']);
    expect(await ids('the and of')).toEqual([]);
    expect(await ids('')).toEqual([]);
    for (const text of [`'; DROP TABLE x; --`, '!& | <-> ( ) : * "quoted" -minus or OR', '² ǅ Ⅻ', 'a'.repeat(3000)]) {
      const hits = await backend.query(id, { mode: 'keyword', text, k: 10 });
      for (const hit of hits) expect(hit.score).toBeGreaterThan(0);
    }
  });

  it('stores text with NUL characters and any store id, refusing NUL in attributes', async () => {
    const id = await newIndex(2, `vs'"; DROP TABLE users; -- 東京 ${'x'.repeat(200)}`);
    await backend.upsertChunks(id, [plain('nul', 'before\u0000after words', [1, 0], { chunk: { chunk_id: 'nul', content: 'a\u0000b', metadata: {} } })]);
    const [hit] = await backend.query(id, { mode: 'keyword', text: 'words', k: 1 });
    expect(hit?.chunk.content).toBe('a\u0000b');
    const error = await rejection(backend.upsertChunks(id, [plain('bad', 'x', [0, 1], { attributes: { note: 'a\u0000b' } })]));
    expect(InvalidRequestError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/attribute 'note'.*NUL/);
    expect(await backend.countChunks(id)).toBe(1);
  });

  it('refuses non-finite embeddings and a second createIndex with another dimension', async () => {
    const id = await newIndex(2);
    const nan = await rejection(backend.upsertChunks(id, [plain('n', 'n', [Number.NaN, 1])]));
    expect(InvalidRequestError.isInstance(nan)).toBe(true);
    const query = await rejection(backend.query(id, { mode: 'vector', embedding: Float32Array.from([Infinity, 0]), k: 1 }));
    expect(InvalidRequestError.isInstance(query)).toBe(true);
    const dimension = await rejection(backend.createIndex({ vectorStoreId: id, dimension: 3, embeddingModel: 'm' }));
    expect(dimension.message).toMatch(/dimension 2.*dimension 3/);
    const tooLarge = await rejection(backend.createIndex({ vectorStoreId: 'vs_huge', dimension: 16001, embeddingModel: 'm' }));
    expect(tooLarge.message).toMatch(/16000/);
  });

  it('keeps the last of several chunks with one id, and a failed upsert stores nothing across batches', async () => {
    const id = await newIndex(2);
    await backend.upsertChunks(id, [plain('dup', 'first', [1, 0]), plain('dup', 'second', [0, 1])]);
    expect(await backend.countChunks(id)).toBe(1);
    expect((await backend.listFileChunks(id, 'none')).length).toBe(0);
    const [hit] = await backend.query(id, { mode: 'vector', embedding: Float32Array.from([0, 1]), k: 1 });
    expect(hit?.chunk.content).toBe('second');

    const many = Array.from({ length: 1200 }, (_, index) => plain(`m${String(index).padStart(4, '0')}`, `many ${index}`, [1, index]));
    // The last row cannot be serialised: the first two batches of 500 were sent already.
    (many[1199]!.chunk.metadata as Record<string, unknown>).big = BigInt(1);
    await expect(backend.upsertChunks(id, many)).rejects.toThrow();
    expect(await backend.countChunks(id)).toBe(1);
    delete (many[1199]!.chunk.metadata as Record<string, unknown>).big;
    await backend.upsertChunks(id, many);
    expect(await backend.countChunks(id)).toBe(1201);
  });

  it('scores a zero query vector 0 rather than NaN', async () => {
    const id = await newIndex(2);
    await backend.upsertChunks(id, [plain('a', 'a', [1, 0]), plain('b', 'b', [0, 1])]);
    const hits = await backend.query(id, { mode: 'vector', embedding: Float32Array.from([0, 0]), k: 5 });
    expect(hits.map((hit) => hit.score)).toEqual([0, 0]);
  });

  it('scans exactly when the dimension is beyond the approximate index limit', async () => {
    const dimension = 2001;
    const id = await newIndex(dimension);
    const axis = (index: number) => Float32Array.from({ length: dimension }, (_, position) => (position === index ? 1 : 0));
    await backend.upsertChunks(id, [plain('x', 'x', [...axis(0)]), plain('y', 'y', [...axis(2000)])]);
    expect(await indexNames(pgvectorTableNames(id, tablePrefix).table)).not.toContain(pgvectorTableNames(id, tablePrefix).annIndex);
    const hits = await backend.query(id, { mode: 'vector', embedding: axis(2000), k: 1 });
    expect(hits.map((hit) => hit.chunkId)).toEqual(['y']);
  });

  it('two backends creating the same index at once share one table', async () => {
    const other = await createPgvectorBackend(testBackendConfig(), { tablePrefix });
    try {
      const id = 'vs_race';
      await Promise.all([
        backend.createIndex({ vectorStoreId: id, dimension: 2, embeddingModel: 'm' }),
        other.createIndex({ vectorStoreId: id, dimension: 2, embeddingModel: 'm' }),
      ]);
      await other.upsertChunks(id, [plain('shared', 'shared', [1, 0])]);
      expect(await backend.countChunks(id)).toBe(1);
      await other.deleteIndex(id);
      const error = await rejection(backend.countChunks(id));
      expect(error.code).toBe('not_found');
    } finally {
      await other.close();
    }
  });

  it('recreates a chunk table dropped behind its back', async () => {
    const id = await newIndex(2);
    const client = await testClient();
    try {
      await client.query(`DROP TABLE "${pgvectorTableNames(id, tablePrefix).table}"`);
    } finally {
      await client.end();
    }
    expect((await rejection(backend.countChunks(id))).code).toBe('not_found');
    await backend.createIndex({ vectorStoreId: id, dimension: 2, embeddingModel: 'test-model' });
    await backend.upsertChunks(id, [plain('back', 'back', [1, 0])]);
    expect(await backend.countChunks(id)).toBe(1);
  });
});

describe.skipIf(!enabled)('pgvector backend (deferred approximate index)', () => {
  const tablePrefix = testTablePrefix('defer');
  const { logger, scans } = scanRecorder();
  let backend: PgvectorIndexBackend;

  afterAll(async () => {
    await backend?.close();
    await dropTablesWithPrefix(tablePrefix);
  });

  it('a vector query builds the HNSW index in the background once the table reaches the threshold', async () => {
    backend = await createPgvectorBackend(testBackendConfig({ type: 'HNSW', m: 8, ef_construction: 32 }, { vector_index_min_rows: 2000 }), { tablePrefix, logger });
    const id = 'vs_hnsw_later';
    await backend.createIndex({ vectorStoreId: id, dimension: 8, embeddingModel: 'm' });
    const { table, annIndex } = pgvectorTableNames(id, tablePrefix);
    const corpus = randomCorpus(3000, 8, 5);
    await backend.upsertChunks(id, corpus.slice(0, 1999));
    const query = corpus[3]!.embedding;
    expect((await backend.query(id, { mode: 'vector', embedding: query, k: 5 })).map((hit) => hit.chunkId)).toEqual(exactTop(corpus.slice(0, 1999), query, 5));
    await backend.indexBuilds();
    expect(await indexNames(table)).not.toContain(annIndex);

    await backend.upsertChunks(id, corpus.slice(1999));
    expect(await indexNames(table)).not.toContain(annIndex);
    // This query scans exactly and starts the build.
    expect((await backend.query(id, { mode: 'vector', embedding: query, k: 5 })).map((hit) => hit.chunkId)).toEqual(exactTop(corpus, query, 5));
    await backend.indexBuilds();
    expect(await annIndexState(annIndex)).toBe('valid');
    const hits = await backend.query(id, { mode: 'vector', embedding: query, k: 5 });
    expect(hits[0]?.chunkId).toBe('r0003');
    expect(scans).toEqual(['exact', 'exact', 'approximate']);
  });

  it('builds the IVFFlat index only once the table holds lists × 50 rows', async () => {
    const lists = 20;
    await backend?.close();
    backend = await createPgvectorBackend(testBackendConfig({ type: 'IVFFlat', lists, probes: 1 }, { vector_index_min_rows: 0 }), { tablePrefix, logger });
    const id = 'vs_ivf';
    await backend.createIndex({ vectorStoreId: id, dimension: 8, embeddingModel: 'm' });
    const { table, annIndex } = pgvectorTableNames(id, tablePrefix);
    const threshold = lists * IVFFLAT_ROWS_PER_LIST;
    const corpus = randomCorpus(3000, 8, 4);
    const query = corpus[3]!.embedding;
    await backend.upsertChunks(id, corpus.slice(0, threshold - 1));
    scans.length = 0;
    expect((await backend.query(id, { mode: 'vector', embedding: query, k: 5 })).map((hit) => hit.chunkId)).toEqual(
      exactTop(corpus.slice(0, threshold - 1), query, 5),
    );
    await backend.indexBuilds();
    expect(await indexNames(table)).not.toContain(annIndex);

    await backend.upsertChunks(id, corpus.slice(threshold - 1));
    await backend.query(id, { mode: 'vector', embedding: query, k: 5 });
    await backend.indexBuilds();
    expect(await annIndexState(annIndex)).toBe('valid');

    const all = await backend.query(id, { mode: 'vector', embedding: query, k: 30 });
    expect(all).toHaveLength(30);
    expect(all[0]?.chunkId).toBe('r0003');
    const filter: AttributeFilter = { type: 'in', key: 'n', value: [1, 2, 3, 2999] };
    const filtered = await backend.query(id, { mode: 'vector', embedding: query, k: 10, filters: filter });
    expect(filtered.map((hit) => hit.chunkId)).toEqual(exactTop(corpus, query, 10, filter));
    const third = await backend.query(id, { mode: 'vector', embedding: query, k: 20, filters: { type: 'eq', key: 'group', value: 'three' } });
    expect(third).toHaveLength(20);
    expect(scans).toEqual(['exact', 'exact', 'approximate', 'exact after approximate', 'approximate']);

    // A new backend finds the index built.
    await backend.close();
    scans.length = 0;
    backend = await createPgvectorBackend(testBackendConfig({ type: 'IVFFlat', lists, probes: 1 }), { tablePrefix, logger });
    expect(await backend.query(id, { mode: 'vector', embedding: query, k: 30 })).toHaveLength(30);
    expect(scans).toEqual(['approximate']);
  });

  it('buildIndex builds at once, and replaces an invalid index a failed build left', async () => {
    await backend?.close();
    backend = await createPgvectorBackend(testBackendConfig(), { tablePrefix });
    const id = 'vs_build_now';
    await backend.createIndex({ vectorStoreId: id, dimension: 8, embeddingModel: 'm' });
    const { annIndex } = pgvectorTableNames(id, tablePrefix);
    await backend.upsertChunks(id, randomCorpus(40, 8, 6));
    await backend.buildIndex(id);
    expect(await annIndexState(annIndex)).toBe('valid');

    const client = await testClient();
    try {
      await client.query(`UPDATE pg_index SET indisvalid = false WHERE indexrelid = to_regclass($1::text)`, [annIndex]);
    } finally {
      await client.end();
    }
    await backend.close();
    backend = await createPgvectorBackend(testBackendConfig(), { tablePrefix });
    // Invalid means absent to queries: they scan exactly.
    expect(await backend.query(id, { mode: 'vector', embedding: randomCorpus(1, 8, 6)[0]!.embedding, k: 1 })).toHaveLength(1);
    await backend.buildIndex(id);
    expect(await annIndexState(annIndex)).toBe('valid');
  });

  it('close cancels a running build and leaves no invalid index behind', async () => {
    await backend?.close();
    backend = await createPgvectorBackend(testBackendConfig({ type: 'HNSW', m: 16, ef_construction: 200 }), { tablePrefix });
    const id = 'vs_cancel';
    await backend.createIndex({ vectorStoreId: id, dimension: 32, embeddingModel: 'm' });
    const { annIndex } = pgvectorTableNames(id, tablePrefix);
    await backend.upsertChunks(id, randomCorpus(4000, 32, 7));
    const building = backend.buildIndex(id).catch((error: unknown) => error);
    await waitFor(async () => ((await buildRunning()) ? true : undefined), 10_000).catch(() => undefined);
    await backend.close();
    await building;
    expect(['absent', 'valid']).toContain(await annIndexState(annIndex));
    backend = await createPgvectorBackend(testBackendConfig(), { tablePrefix });
  });
});

describe.skipIf(!enabled)('pgvector backend lifecycle', () => {
  it('reports an unreachable server as an upstream error naming it', async () => {
    const config = pgvectorBackendConfigSchema.parse({ ...postgresTestConfig(), port: 1 });
    const error = await rejection(createPgvectorBackend(config, { tablePrefix: testTablePrefix('down') }));
    expect(UpstreamError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/:1\//);
  });

  it('with vector_index_min_rows 0, creates the HNSW index with the table and queries through it', async () => {
    const tablePrefix = testTablePrefix('eager');
    const { logger, scans } = scanRecorder();
    const backend = await createPgvectorBackend(testBackendConfig({ type: 'HNSW' }, { vector_index_min_rows: 0 }), { tablePrefix, logger });
    try {
      await backend.createIndex({ vectorStoreId: 'vs_eager', dimension: 2, embeddingModel: 'm' });
      const { table, annIndex } = pgvectorTableNames('vs_eager', tablePrefix);
      expect(await indexNames(table)).toContain(annIndex);
      await backend.upsertChunks('vs_eager', [plain('a', 'a', [1, 0]), plain('b', 'b', [0, 1])]);
      expect((await backend.query('vs_eager', { mode: 'vector', embedding: Float32Array.from([1, 0.1]), k: 1 })).map((hit) => hit.chunkId)).toEqual(['a']);
      expect(scans).toEqual(['approximate']);
    } finally {
      await backend.close();
      await dropTablesWithPrefix(tablePrefix);
    }
  });

  it('closes once and refuses work afterwards', async () => {
    const tablePrefix = testTablePrefix('close');
    try {
      const backend = await createPgvectorBackend(testBackendConfig(), { tablePrefix });
      await backend.close();
      await backend.close();
      expect(InvalidRequestError.isInstance(await rejection(backend.countChunks('vs_any')))).toBe(true);
    } finally {
      await dropTablesWithPrefix(tablePrefix);
    }
  });
});
