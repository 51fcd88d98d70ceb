import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConflictError, InvalidRequestError } from '@stack/core';
import {
  cosineSimilarity,
  matchesFilter,
  type AttributeFilter,
  type Attributes,
  type IndexedChunk,
  type IndexHit,
  type VectorIndexBackend,
} from '@stack/vector-io-api';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqliteVecBackend, KNN_MAX_K, tablePrefixFor } from '../src/index.js';
import { seededRandom } from '@stack/core/testing';

const directory = mkdtempSync(join(tmpdir(), 'sqlite-vec-backend-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

let files = 0;
function dbPath(): string {
  files += 1;
  return join(directory, `db-${files}`, 'vectors.db');
}

function vector(next: () => number, dimension: number): Float32Array {
  return Float32Array.from({ length: dimension }, () => next() - 0.5);
}

const WORDS = ['river', 'mountain', 'forest', 'desert', 'ocean', 'valley', 'island', 'glacier'];

function corpus(next: () => number, size: number, dimension: number): IndexedChunk[] {
  return Array.from({ length: size }, (_, index) => {
    const attributes: Attributes = { category: ['news', 'blog', 'paper', 'wiki'][index % 4] as string, year: 2000 + (index % 25) };
    if (index % 3 === 0) attributes.flag = index % 2 === 0;
    if (index % 7 === 0) attributes.score = Math.round(next() * 100) / 10;
    const text = Array.from({ length: 6 }, () => WORDS[Math.floor(next() * WORDS.length)]).join(' ');
    return {
      chunkId: `c${index}`,
      text,
      embedding: vector(next, dimension),
      attributes,
      fileId: `file-${index % 10}`,
      position: Math.floor(index / 10),
      chunk: { chunk_id: `c${index}`, content: text, metadata: { index } },
    };
  });
}

const FILTERS: AttributeFilter[] = [
  { type: 'eq', key: 'category', value: 'paper' },
  { type: 'gte', key: 'year', value: 2023 },
  { type: 'eq', key: 'flag', value: true },
  { type: 'ne', key: 'flag', value: true },
  { type: 'lt', key: 'score', value: 5 },
  { type: 'in', key: 'category', value: ['news', 'wiki'] },
  { type: 'nin', key: 'year', value: [2001, 2002, 2003] },
  { type: 'eq', key: 'year', value: 2007 },
  {
    type: 'or',
    filters: [
      { type: 'and', filters: [{ type: 'eq', key: 'category', value: 'blog' }, { type: 'gt', key: 'year', value: 2020 }] },
      { type: 'eq', key: 'flag', value: false },
    ],
  },
  { type: 'eq', key: 'missing', value: 1 },
];

function bruteForce(chunks: readonly IndexedChunk[], query: Float32Array, k: number, filter?: AttributeFilter) {
  return chunks
    .filter((chunk) => !filter || matchesFilter(filter, chunk.attributes))
    .map((chunk) => ({ chunkId: chunk.chunkId, score: cosineSimilarity(query, chunk.embedding) }))
    .sort((a, b) => b.score - a.score)
    .slice(0, k);
}

/**
 * The hits are a correct top k: as many as expected, each scored with its true similarity, and
 * position by position as good as the brute-force ranking (so only float-level ties may swap).
 */
function expectTopK(hits: readonly IndexHit[], expected: ReadonlyArray<{ chunkId: string; score: number }>, truth: ReadonlyMap<string, number>, context: string) {
  expect(hits.length, context).toBe(expected.length);
  expect(new Set(hits.map((hit) => hit.chunkId)).size, context).toBe(hits.length);
  hits.forEach((hit, position) => {
    expect(hit.score, `${context} #${position}`).toBeCloseTo(truth.get(hit.chunkId) ?? Number.NaN, 5);
    expect(hit.score, `${context} #${position}`).toBeCloseTo((expected[position] as { score: number }).score, 5);
  });
}

function similarities(chunks: readonly IndexedChunk[], query: Float32Array): Map<string, number> {
  return new Map(chunks.map((chunk) => [chunk.chunkId, cosineSimilarity(query, chunk.embedding)]));
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe('filtered vector search', () => {
  const dimension = 16;
  const next = seededRandom(7);
  const chunks = corpus(next, 600, dimension);
  const backends: Array<[string, VectorIndexBackend]> = [];

  beforeAll(async () => {
    const path = dbPath();
    for (const [label, exactScanFraction] of [
      ['restricted KNN', 0],
      ['exact scan', 1],
      ['default choice', undefined],
    ] as const) {
      const backend = await createSqliteVecBackend({ dbPath: path, exactScanFraction });
      backends.push([label, backend]);
    }
    const [, first] = backends[0] as [string, VectorIndexBackend];
    await first.createIndex({ vectorStoreId: 'vs_filtered', dimension, embeddingModel: 'test' });
    await first.upsertChunks('vs_filtered', chunks);
  });

  afterAll(async () => {
    for (const [, backend] of backends) await backend.close();
  });

  it('returns the exact top k among matching chunks with every strategy', async () => {
    const queries = Array.from({ length: 6 }, () => vector(next, dimension));
    for (const filter of FILTERS) {
      for (const [index, query] of queries.entries()) {
        const k = [1, 3, 10, 40, 200, 1000][index] as number;
        const expected = bruteForce(chunks, query, k, filter);
        const truth = similarities(chunks, query);
        for (const [label, backend] of backends) {
          const hits = await backend.query('vs_filtered', { mode: 'vector', embedding: query, k, filters: filter });
          const context = `${label} k=${k} ${JSON.stringify(filter)}`;
          expectTopK(hits, expected, truth, context);
          for (const hit of hits) expect(matchesFilter(filter, hit.attributes), context).toBe(true);
        }
      }
    }
  });

  it('keyword search with a filter returns exactly the matching chunks that contain a term', async () => {
    for (const filter of FILTERS) {
      const expected = chunks
        .filter((chunk) => matchesFilter(filter, chunk.attributes) && chunk.text.split(' ').includes('glacier'))
        .map((chunk) => chunk.chunkId)
        .sort();
      const [, backend] = backends[0] as [string, VectorIndexBackend];
      const hits = await backend.query('vs_filtered', { mode: 'keyword', text: 'Glacier!', k: 1000, filters: filter });
      expect(hits.map((hit) => hit.chunkId).sort(), JSON.stringify(filter)).toEqual(expected);
      const top = await backend.query('vs_filtered', { mode: 'keyword', text: 'glacier', k: 3, filters: filter });
      expect(top).toHaveLength(Math.min(3, expected.length));
      // Ties in BM25 are common here (six-word texts); they break by insertion order, the same at any k.
      expect(top.map((hit) => hit.chunkId)).toEqual(hits.slice(0, top.length).map((hit) => hit.chunkId));
    }
  });
});

describe('queries deeper than one vec0 KNN allows', () => {
  it(`answers k > ${KNN_MAX_K} exactly, with and without filters`, async () => {
    const backend = await createSqliteVecBackend({ dbPath: dbPath(), exactScanFraction: 0 });
    try {
      const next = seededRandom(11);
      const chunks = corpus(next, KNN_MAX_K + 300, 4);
      await backend.createIndex({ vectorStoreId: 'vs_deep', dimension: 4, embeddingModel: 'test' });
      await backend.upsertChunks('vs_deep', chunks);
      const query = vector(next, 4);
      const k = KNN_MAX_K + 100;
      const truth = similarities(chunks, query);
      const hits = await backend.query('vs_deep', { mode: 'vector', embedding: query, k });
      expectTopK(hits, bruteForce(chunks, query, k), truth, 'unfiltered');
      const filter: AttributeFilter = { type: 'ne', key: 'year', value: 2000 };
      const filtered = await backend.query('vs_deep', { mode: 'vector', embedding: query, k, filters: filter });
      expect(filtered.length).toBeGreaterThan(KNN_MAX_K);
      expectTopK(filtered, bruteForce(chunks, query, k, filter), truth, 'filtered');
    } finally {
      await backend.close();
    }
  });
});

describe('storage', () => {
  it('creates directories, uses WAL, and keeps FTS consistent through replacements and deletions', async () => {
    const path = dbPath();
    const backend = await createSqliteVecBackend({ dbPath: path });
    const next = seededRandom(3);
    await backend.createIndex({ vectorStoreId: 'vs_churn', dimension: 8, embeddingModel: 'test' });
    const chunks = corpus(next, 60, 8);
    await backend.upsertChunks('vs_churn', chunks);
    for (let round = 0; round < 3; round += 1) {
      await backend.upsertChunks(
        'vs_churn',
        chunks.slice(0, 30).map((chunk) => ({ ...chunk, text: `round${round} ${chunk.text}`, embedding: vector(next, 8) })),
      );
    }
    await backend.deleteChunks('vs_churn', { fileId: 'file-3' });
    await backend.deleteChunks('vs_churn', { chunkIds: ['c0', 'c1', 'nope'] });
    await backend.updateFileAttributes('vs_churn', 'file-4', { category: 'moved' });
    expect(await backend.countChunks('vs_churn')).toBe(60 - 6 - 2);
    expect(await backend.query('vs_churn', { mode: 'keyword', text: 'round0 round1', k: 100 })).toEqual([]);
    expect((await backend.query('vs_churn', { mode: 'keyword', text: 'round2', k: 100 })).length).toBe(30 - 3 - 2);
    await backend.close();

    const db = new Database(path);
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      const fts = indexTableNames(db).find((name) => name.endsWith('_fts')) as string;
      expect(fts).toBeDefined();
      // FTS5's own check that its index matches the external content table (throws if not).
      db.prepare(`INSERT INTO ${fts} (${fts}, rank) VALUES ('integrity-check', 1)`).run();
      expect(db.prepare(`SELECT count(*) FROM ${fts.replace(/_fts$/, '_chunks')}`).pluck().get()).toBe(52);
    } finally {
      db.close();
    }
  });

  it('derives safe table names from any store id and drops them with the index', async () => {
    const path = dbPath();
    const backend = await createSqliteVecBackend({ dbPath: path });
    const ids = [`vs'; DROP TABLE stack_vector_indexes; --`, 'Store "Ünïcödé" 東京', 'A-b', 'a_b', 'x'.repeat(300)];
    try {
      for (const [position, id] of ids.entries()) {
        await backend.createIndex({ vectorStoreId: id, dimension: 2, embeddingModel: 'test' });
        await backend.upsertChunks(id, [
          { chunkId: `only-${position}`, text: `hello ${position}`, embedding: Float32Array.of(1, position), attributes: {}, chunk: { chunk_id: 'x', content: 'x', metadata: {} } },
        ]);
      }
      for (const [position, id] of ids.entries()) {
        const hits = await backend.query(id, { mode: 'keyword', text: 'hello', k: 10 });
        expect(hits.map((hit) => hit.chunkId)).toEqual([`only-${position}`]);
      }
      expect(new Set(ids.map(tablePrefixFor)).size).toBe(ids.length);
      for (const id of ids) expect(tablePrefixFor(id)).toMatch(/^vs_[a-z0-9_]+_[0-9a-f]{16}$/);
      await backend.deleteIndex(ids[0] as string);
      const error = await rejection(backend.countChunks(ids[0] as string));
      expect(InvalidRequestError.isInstance(error) && error.code).toBe('not_found');
    } finally {
      await backend.close();
    }
    const db = new Database(path, { readonly: true });
    try {
      const names = db.prepare(`SELECT name FROM sqlite_master WHERE type IN ('table', 'index') AND name NOT LIKE 'sqlite_%'`).pluck().all() as string[];
      for (const name of names) expect(name).toMatch(/^(stack_vector_indexes|vs_[a-z0-9_]+)$/);
      const dropped = tablePrefixFor(ids[0] as string);
      expect(names.filter((name) => name.startsWith(dropped))).toEqual([]);
      expect(names.filter((name) => name.startsWith(tablePrefixFor(ids[1] as string))).length).toBeGreaterThan(3);
    } finally {
      db.close();
    }
  });
});

describe('validation', () => {
  let backend: VectorIndexBackend;
  beforeAll(async () => {
    backend = await createSqliteVecBackend({ dbPath: ':memory:' });
    await backend.createIndex({ vectorStoreId: 'vs_valid', dimension: 3, embeddingModel: 'test' });
  });
  afterAll(() => backend.close());

  const chunk = (chunkId: string, embedding: Float32Array, text = chunkId): IndexedChunk => ({
    chunkId,
    text,
    embedding,
    attributes: {},
    chunk: { chunk_id: chunkId, content: text, metadata: {} },
  });

  it('rejects zero and non-finite embeddings, storing nothing from the batch', async () => {
    for (const [bad, pattern] of [
      [Float32Array.of(0, 0, 0), /all zeros/],
      [Float32Array.of(1, Number.NaN, 0), /non-finite/],
      [Float32Array.of(1, Number.POSITIVE_INFINITY, 0), /non-finite/],
      [Float32Array.of(1, 2), /2 dimensions.*dimension 3/],
    ] as const) {
      const error = await rejection(backend.upsertChunks('vs_valid', [chunk('ok', Float32Array.of(1, 0, 0)), chunk('bad', bad)]));
      expect(InvalidRequestError.isInstance(error)).toBe(true);
      expect((error as Error).message).toMatch(pattern);
      expect((error as Error).message).toContain("'bad'");
      const queryError = await rejection(backend.query('vs_valid', { mode: 'vector', embedding: bad, k: 1 }));
      expect(InvalidRequestError.isInstance(queryError)).toBe(true);
    }
    expect(await backend.countChunks('vs_valid')).toBe(0);
  });

  it('stores a vector that is a view into a larger buffer, and the last of duplicate ids in a batch', async () => {
    const buffer = Float32Array.of(9, 9, 0, 1, 0, 9);
    await backend.upsertChunks('vs_valid', [chunk('dup', Float32Array.of(1, 0, 0), 'first'), chunk('dup', buffer.subarray(2, 5), 'second')]);
    expect(await backend.countChunks('vs_valid')).toBe(1);
    const [hit] = await backend.query('vs_valid', { mode: 'vector', embedding: Float32Array.of(0, 1, 0), k: 1 });
    expect(hit?.chunkId).toBe('dup');
    expect(hit?.score).toBeCloseTo(1, 6);
    expect(hit?.chunk.content).toBe('second');
    expect(await backend.query('vs_valid', { mode: 'keyword', text: 'first', k: 5 })).toEqual([]);
    await backend.deleteChunks('vs_valid', { chunkIds: ['dup'] });
  });

  it('keeps an index’s dimension: a different one is a conflict, a bad one invalid', async () => {
    expect(ConflictError.isInstance(await rejection(backend.createIndex({ vectorStoreId: 'vs_valid', dimension: 4, embeddingModel: 'test' })))).toBe(true);
    for (const dimension of [0, -1, 1.5, 8193, Number.NaN]) {
      const error = await rejection(backend.createIndex({ vectorStoreId: `vs_bad_${dimension}`, dimension, embeddingModel: 'test' }));
      expect(InvalidRequestError.isInstance(error), String(dimension)).toBe(true);
      expect((error as Error).message).toMatch(/dimension/);
    }
  });

  it('asks for what a mode needs and rejects malformed filters', async () => {
    expect(InvalidRequestError.isInstance(await rejection(backend.query('vs_valid', { mode: 'vector', k: 1 })))).toBe(true);
    expect(InvalidRequestError.isInstance(await rejection(backend.query('vs_valid', { mode: 'hybrid', embedding: Float32Array.of(1, 0, 0), k: 1 })))).toBe(true);
    const filters = { type: 'eq', key: 'a', value: { nested: true } } as unknown as AttributeFilter;
    const error = await rejection(backend.query('vs_valid', { mode: 'keyword', text: 'x', k: 1, filters }));
    expect(InvalidRequestError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/'a'/);
    expect(await backend.query('vs_valid', { mode: 'keyword', text: '?!', k: 3 })).toEqual([]);
  });

  it('fails every call after close, and close twice is fine', async () => {
    const closing = await createSqliteVecBackend({ dbPath: ':memory:' });
    await closing.close();
    await closing.close();
    await expect(closing.countChunks('vs_valid')).rejects.toThrow(/closed/);
  });
});

function indexTableNames(db: Database.Database): string[] {
  return db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'vs\\_%' ESCAPE '\\'`).pluck().all() as string[];
}
