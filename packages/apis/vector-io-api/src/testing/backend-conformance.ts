import { InvalidRequestError } from '@stack/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IndexedChunk, IndexHit, VectorIndexBackend } from '../backend.js';
import type { AttributeFilter, Attributes } from '../schemas.js';
import { matchesFilter } from '../search-helpers.js';

export interface VectorIndexBackendConformanceOptions {
  /** Names the describe block, e.g. `inline::sqlite-vec`. */
  name: string;
  /** A fresh backend (its own storage, or shared storage: every test uses its own index ids). */
  create(): Promise<VectorIndexBackend>;
  /**
   * Closes `backend` and opens a new one on the same storage, for the persistence checks.
   * Leave it out for backends documented as in-memory.
   */
  reopen?(backend: VectorIndexBackend): Promise<VectorIndexBackend>;
  /** Per-test timeout in ms (default 20 s). */
  timeoutMs?: number;
}

const DIMENSION = 8;
let counter = 0;

function indexId(): string {
  counter += 1;
  return `vs_conf_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}_${counter}`;
}

/** A unit vector along one axis, nudged towards another: close vectors share an axis. */
function axis(index: number, nudge = 0, towards = (index + 1) % DIMENSION): Float32Array {
  const vector = new Float32Array(DIMENSION);
  vector[index] = 1;
  vector[towards] = (vector[towards] as number) + nudge;
  return vector;
}

function chunk(chunkId: string, text: string, embedding: Float32Array, extra: Partial<IndexedChunk> = {}): IndexedChunk {
  return {
    chunkId,
    text,
    embedding,
    attributes: {},
    chunk: { chunk_id: chunkId, content: text, metadata: { source: 'conformance', chunk_id: chunkId } },
    ...extra,
  };
}

function ids(hits: readonly IndexHit[]): string[] {
  return hits.map((hit) => hit.chunkId);
}

function expectDescending(hits: readonly IndexHit[]): void {
  for (let index = 1; index < hits.length; index += 1) {
    expect((hits[index - 1] as IndexHit).score).toBeGreaterThanOrEqual((hits[index] as IndexHit).score - 1e-9);
  }
}

async function expectInvalid(promise: Promise<unknown>, pattern?: RegExp): Promise<InvalidRequestError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(InvalidRequestError.isInstance(error), `expected an InvalidRequestError, got ${String(error)}`).toBe(true);
  if (pattern) expect((error as Error).message).toMatch(pattern);
  return error as InvalidRequestError;
}

/** A corpus of 24 chunks with varied attributes, spread over the axes. */
function filterCorpus(): IndexedChunk[] {
  const categories = ['news', 'blog', 'paper'];
  return Array.from({ length: 24 }, (_, index) => {
    const attributes: Attributes = {
      category: categories[index % 3] as string,
      year: 2015 + (index % 8),
      published: index % 2 === 0,
    };
    if (index % 4 === 0) attributes.tag = index % 8 === 0 ? 'alpha' : 'beta';
    if (index % 5 === 0) attributes.rating = index / 5;
    return chunk(`f${String(index).padStart(2, '0')}`, `document number ${index} about topic ${index % 3}`, axis(index % DIMENSION, 0.05 * (index % 7)), {
      attributes,
      fileId: `file-${index % 4}`,
      position: index,
    });
  });
}

const FILTERS: Array<[string, AttributeFilter]> = [
  ['eq string', { type: 'eq', key: 'category', value: 'news' }],
  ['eq number', { type: 'eq', key: 'year', value: 2018 }],
  ['eq boolean', { type: 'eq', key: 'published', value: true }],
  ['ne (missing key matches)', { type: 'ne', key: 'tag', value: 'alpha' }],
  ['gt number', { type: 'gt', key: 'year', value: 2019 }],
  ['gte number', { type: 'gte', key: 'year', value: 2019 }],
  ['lt number', { type: 'lt', key: 'year', value: 2017 }],
  ['lte number', { type: 'lte', key: 'rating', value: 2 }],
  ['gt string', { type: 'gt', key: 'category', value: 'news' }],
  ['in strings', { type: 'in', key: 'category', value: ['blog', 'paper'] }],
  ['in numbers', { type: 'in', key: 'year', value: [2015, 2022] }],
  ['nin (missing key matches)', { type: 'nin', key: 'tag', value: ['beta'] }],
  ['gt on a string attribute with a number (never matches)', { type: 'gt', key: 'category', value: 3 }],
  ['eq on a missing key', { type: 'eq', key: 'nonexistent', value: 'x' }],
  [
    'and',
    {
      type: 'and',
      filters: [
        { type: 'eq', key: 'published', value: false },
        { type: 'gte', key: 'year', value: 2018 },
      ],
    },
  ],
  [
    'or',
    {
      type: 'or',
      filters: [
        { type: 'eq', key: 'tag', value: 'alpha' },
        { type: 'lt', key: 'year', value: 2016 },
      ],
    },
  ],
  [
    'nested and/or',
    {
      type: 'and',
      filters: [
        { type: 'or', filters: [{ type: 'eq', key: 'category', value: 'news' }, { type: 'eq', key: 'category', value: 'paper' }] },
        { type: 'ne', key: 'published', value: true },
        { type: 'lte', key: 'year', value: 2021 },
      ],
    },
  ],
];

/**
 * The checks every vector index backend passes: vector, keyword and hybrid queries, filters
 * applied before the top k, upserts, deletions, attributes, isolation, errors and persistence.
 */
export function describeVectorIndexBackendConformance(options: VectorIndexBackendConformanceOptions): void {
  const timeout = options.timeoutMs ?? 20_000;
  describe(`vector index backend conformance: ${options.name}`, () => {
    let backend: VectorIndexBackend;
    const created: string[] = [];

    beforeAll(async () => {
      backend = await options.create();
    }, timeout);

    afterAll(async () => {
      for (const id of created) await backend.deleteIndex(id).catch(() => undefined);
      await backend.close();
    }, timeout);

    async function newIndex(dimension = DIMENSION): Promise<string> {
      const id = indexId();
      created.push(id);
      await backend.createIndex({ vectorStoreId: id, dimension, embeddingModel: 'conformance-model' });
      return id;
    }

    it('finds the nearest chunks by cosine similarity, best first, at most k', { timeout }, async () => {
      const id = await newIndex();
      await backend.upsertChunks(id, [
        chunk('a', 'alpha text', axis(0)),
        chunk('b', 'beta text', axis(0, 0.5)),
        chunk('c', 'gamma text', axis(1)),
        chunk('d', 'delta text', axis(2)),
      ]);
      const hits = await backend.query(id, { mode: 'vector', embedding: axis(0), k: 3 });
      expect(ids(hits)).toEqual(['a', 'b', expect.any(String)]);
      expect(hits).toHaveLength(3);
      expect(hits[0]?.score).toBeCloseTo(1, 4);
      expect(hits[1]?.score).toBeCloseTo(1 / Math.sqrt(1.25), 3);
      expectDescending(hits);
      const one = await backend.query(id, { mode: 'vector', embedding: axis(2), k: 1 });
      expect(ids(one)).toEqual(['d']);
    });

    it('returns the chunk as inserted, with its file and attributes', { timeout }, async () => {
      const id = await newIndex();
      const original = chunk('rich', 'rich content', axis(3), {
        fileId: 'file-rich',
        position: 0,
        attributes: { lang: 'en', pages: 3, draft: false },
        chunk: {
          chunk_id: 'rich',
          content: [{ type: 'text', text: 'rich content' }],
          metadata: { document_id: 'doc-1', nested: { list: [1, 2, 3], flag: true }, unicode: 'naïve – 東京' },
          chunk_metadata: { chunk_id: 'rich', document_id: 'doc-1', content_token_count: 2, chunk_embedding_dimension: DIMENSION },
        },
      });
      await backend.upsertChunks(id, [original]);
      const [hit] = await backend.query(id, { mode: 'vector', embedding: axis(3), k: 1 });
      expect(hit?.chunk).toEqual(original.chunk);
      expect(hit?.fileId).toBe('file-rich');
      expect(hit?.attributes).toEqual({ lang: 'en', pages: 3, draft: false });
    });

    it('createIndex is idempotent and keeps existing chunks', { timeout }, async () => {
      const id = await newIndex();
      await backend.upsertChunks(id, [chunk('a', 'one', axis(0)), chunk('b', 'two', axis(1))]);
      await backend.createIndex({ vectorStoreId: id, dimension: DIMENSION, embeddingModel: 'conformance-model' });
      expect(await backend.countChunks(id)).toBe(2);
    });

    it('upsert replaces a chunk with the same id', { timeout }, async () => {
      const id = await newIndex();
      await backend.upsertChunks(id, [chunk('a', 'old words here', axis(0)), chunk('b', 'other', axis(1))]);
      await backend.upsertChunks(id, [chunk('a', 'fresh replacement', axis(4))]);
      expect(await backend.countChunks(id)).toBe(2);
      const [hit] = await backend.query(id, { mode: 'vector', embedding: axis(4), k: 1 });
      expect(hit?.chunkId).toBe('a');
      expect(hit?.chunk.content).toBe('fresh replacement');
      const old = await backend.query(id, { mode: 'keyword', text: 'old', k: 5 });
      expect(old).toEqual([]);
      const fresh = await backend.query(id, { mode: 'keyword', text: 'replacement', k: 5 });
      expect(ids(fresh)).toEqual(['a']);
    });

    it('an upsert with one bad vector stores nothing', { timeout }, async () => {
      const id = await newIndex();
      await backend.upsertChunks(id, [chunk('keep', 'kept', axis(0))]);
      await expectInvalid(backend.upsertChunks(id, [chunk('x', 'x', axis(1)), chunk('bad', 'bad', new Float32Array(DIMENSION + 1))]), /dimension/i);
      expect(await backend.countChunks(id)).toBe(1);
    });

    it('keyword search returns only chunks containing a query term, more matching terms first', { timeout }, async () => {
      const id = await newIndex();
      await backend.upsertChunks(id, [
        chunk('k1', 'The quick brown fox jumps over the lazy dog', axis(0)),
        chunk('k2', 'A fox and a hound became friends', axis(1)),
        chunk('k3', 'Bananas are yellow and rich in potassium', axis(2)),
        chunk('k4', 'The brown fox ate a banana by the river', axis(3)),
        chunk('k5', 'Nothing relevant is written here', axis(4)),
      ]);
      const fox = await backend.query(id, { mode: 'keyword', text: 'fox', k: 10 });
      expect(new Set(ids(fox))).toEqual(new Set(['k1', 'k2', 'k4']));
      for (const hit of fox) expect(hit.score).toBeGreaterThan(0);
      expectDescending(fox);
      const both = await backend.query(id, { mode: 'keyword', text: 'brown fox', k: 10 });
      expect(new Set(ids(both).slice(0, 2))).toEqual(new Set(['k1', 'k4']));
      expect(ids(both)).toContain('k2');
      expect(ids(both)).not.toContain('k5');
      const limited = await backend.query(id, { mode: 'keyword', text: 'fox', k: 2 });
      expect(limited).toHaveLength(2);
      expect(await backend.query(id, { mode: 'keyword', text: 'zebra', k: 10 })).toEqual([]);
    });

    it('hybrid search fuses both rankings (rrf and weighted)', { timeout }, async () => {
      const id = await newIndex();
      await backend.upsertChunks(id, [
        chunk('both', 'solar panels produce electricity, clean electricity', axis(0)),
        chunk('vectorOnly', 'photovoltaic modules on roofs', axis(0, 0.3)),
        chunk('keywordOnly', 'electricity prices rose sharply across the whole country during the long cold winter', axis(5)),
        chunk('neither', 'a recipe for apple pie', axis(6)),
      ]);
      const query = { embedding: axis(0), text: 'electricity', k: 10 } as const;
      const rrf = await backend.query(id, { ...query, mode: 'hybrid', ranker: { type: 'rrf' } });
      expect(rrf[0]?.chunkId).toBe('both');
      expect(ids(rrf)).toContain('keywordOnly');
      expect(ids(rrf)).toContain('vectorOnly');
      expectDescending(rrf);
      // RRF with the default constant: the chunk first in both lists scores 2/61.
      expect(rrf[0]?.score).toBeCloseTo(2 / 61, 6);
      const vectorHeavy = await backend.query(id, { ...query, mode: 'hybrid', ranker: { type: 'weighted', alpha: 1 } });
      expect(vectorHeavy[0]?.chunkId).toBe('both');
      const keywordHeavy = await backend.query(id, { ...query, mode: 'hybrid', ranker: { type: 'weighted', alpha: 0 } });
      expect(['both', 'keywordOnly']).toContain(keywordHeavy[0]?.chunkId);
      expect(vectorHeavy.find((hit) => hit.chunkId === 'vectorOnly')!.score).toBeGreaterThan(keywordHeavy.find((hit) => hit.chunkId === 'vectorOnly')?.score ?? -1);
    });

    describe('filters', () => {
      let id: string;
      const corpus = filterCorpus();
      beforeAll(async () => {
        id = await newIndex();
        await backend.upsertChunks(id, corpus);
      }, timeout);

      for (const [label, filter] of FILTERS) {
        it(`applies ${label} exactly as matchesFilter does, in every mode`, { timeout }, async () => {
          const expected = new Set(corpus.filter((item) => matchesFilter(filter, item.attributes)).map((item) => item.chunkId));
          const vector = await backend.query(id, { mode: 'vector', embedding: axis(0), k: 100, filters: filter });
          expect(new Set(ids(vector))).toEqual(expected);
          const keyword = await backend.query(id, { mode: 'keyword', text: 'document', k: 100, filters: filter });
          expect(new Set(ids(keyword))).toEqual(expected);
          const hybrid = await backend.query(id, { mode: 'hybrid', embedding: axis(0), text: 'document', k: 100, filters: filter });
          expect(new Set(ids(hybrid))).toEqual(expected);
        });
      }

      it('filters before taking the top k', { timeout }, async () => {
        // The nearest chunks to axis 0 are f00 (news), f08 (paper) and f16 (blog); ask for papers only.
        const filter: AttributeFilter = { type: 'eq', key: 'category', value: 'paper' };
        const hits = await backend.query(id, { mode: 'vector', embedding: axis(0), k: 3, filters: filter });
        expect(hits).toHaveLength(3);
        for (const hit of hits) expect(hit.attributes.category).toBe('paper');
        expect(hits[0]?.chunkId).toBe('f08');
        const exact = corpus
          .filter((item) => matchesFilter(filter, item.attributes))
          .map((item) => ({ id: item.chunkId, score: cosine(item.embedding, axis(0)) }))
          .sort((a, b) => b.score - a.score);
        expect(hits.map((hit) => hit.score)).toEqual(exact.slice(0, 3).map((entry) => expect.closeTo(entry.score, 4)));
      });
    });

    it('drops hits under the score threshold', { timeout }, async () => {
      const id = await newIndex();
      await backend.upsertChunks(id, [chunk('near', 'n', axis(0)), chunk('mid', 'm', axis(0, 1)), chunk('far', 'f', axis(1))]);
      const hits = await backend.query(id, { mode: 'vector', embedding: axis(0), k: 10, scoreThreshold: 0.5 });
      expect(ids(hits)).toEqual(['near', 'mid']);
    });

    it('deletes chunks by id and by file, and counts what is left', { timeout }, async () => {
      const id = await newIndex();
      await backend.upsertChunks(id, [
        chunk('a1', 'apple one', axis(0), { fileId: 'file-a', position: 0 }),
        chunk('a2', 'apple two', axis(0, 0.2), { fileId: 'file-a', position: 1 }),
        chunk('b1', 'berry one', axis(1), { fileId: 'file-b', position: 0 }),
        chunk('raw', 'raw chunk', axis(2)),
      ]);
      expect(await backend.countChunks(id)).toBe(4);
      await backend.deleteChunks(id, { fileId: 'file-a' });
      expect(await backend.countChunks(id)).toBe(2);
      expect(await backend.query(id, { mode: 'keyword', text: 'apple', k: 10 })).toEqual([]);
      expect(ids(await backend.query(id, { mode: 'vector', embedding: axis(0), k: 10 }))).not.toContain('a1');
      await backend.deleteChunks(id, { chunkIds: ['raw', 'missing'] });
      expect(await backend.countChunks(id)).toBe(1);
      expect(ids(await backend.query(id, { mode: 'vector', embedding: axis(1), k: 10 }))).toEqual(['b1']);
    });

    it('lists the chunks of a file by position', { timeout }, async () => {
      const id = await newIndex();
      await backend.upsertChunks(id, [
        chunk('p2', 'third', axis(2), { fileId: 'file-p', position: 2 }),
        chunk('p0', 'first', axis(0), { fileId: 'file-p', position: 0 }),
        chunk('q0', 'other file', axis(3), { fileId: 'file-q', position: 0 }),
        chunk('p1', 'second', axis(1), { fileId: 'file-p', position: 1 }),
      ]);
      const chunks = await backend.listFileChunks(id, 'file-p');
      expect(chunks.map((item) => item.content)).toEqual(['first', 'second', 'third']);
      expect(await backend.listFileChunks(id, 'file-none')).toEqual([]);
    });

    it('updating a file’s attributes changes what filters see', { timeout }, async () => {
      const id = await newIndex();
      await backend.upsertChunks(id, [
        chunk('u1', 'one', axis(0), { fileId: 'file-u', position: 0, attributes: { status: 'draft' } }),
        chunk('u2', 'two', axis(1), { fileId: 'file-u', position: 1, attributes: { status: 'draft' } }),
        chunk('v1', 'three', axis(2), { fileId: 'file-v', position: 0, attributes: { status: 'draft' } }),
      ]);
      await backend.updateFileAttributes(id, 'file-u', { status: 'final', version: 2 });
      const final = await backend.query(id, { mode: 'vector', embedding: axis(0), k: 10, filters: { type: 'eq', key: 'status', value: 'final' } });
      expect(new Set(ids(final))).toEqual(new Set(['u1', 'u2']));
      expect(final[0]?.attributes).toEqual({ status: 'final', version: 2 });
      const draft = await backend.query(id, { mode: 'vector', embedding: axis(0), k: 10, filters: { type: 'eq', key: 'status', value: 'draft' } });
      expect(ids(draft)).toEqual(['v1']);
    });

    it('keeps indexes apart, each with its own dimension', { timeout }, async () => {
      const small = await newIndex(DIMENSION);
      const large = await newIndex(DIMENSION * 2);
      await backend.upsertChunks(small, [chunk('s', 'shared word', axis(0))]);
      const wide = new Float32Array(DIMENSION * 2);
      wide[0] = 1;
      await backend.upsertChunks(large, [chunk('l', 'shared word', wide)]);
      expect(ids(await backend.query(small, { mode: 'keyword', text: 'shared', k: 10 }))).toEqual(['s']);
      expect(ids(await backend.query(large, { mode: 'vector', embedding: wide, k: 10 }))).toEqual(['l']);
      await expectInvalid(backend.query(large, { mode: 'vector', embedding: axis(0), k: 1 }), /dimension/i);
    });

    it('deleteIndex removes everything; unknown indexes are errors', { timeout }, async () => {
      const id = await newIndex();
      await backend.upsertChunks(id, [chunk('a', 'gone soon', axis(0))]);
      await backend.deleteIndex(id);
      const error = await expectInvalid(backend.query(id, { mode: 'vector', embedding: axis(0), k: 1 }));
      expect(error.code).toBe('not_found');
      await expectInvalid(backend.upsertChunks(id, [chunk('b', 'b', axis(0))]));
      await backend.deleteIndex(id);
      await backend.createIndex({ vectorStoreId: id, dimension: DIMENSION, embeddingModel: 'conformance-model' });
      expect(await backend.countChunks(id)).toBe(0);
    });

    if (options.reopen) {
      it('keeps indexes, chunks and attributes across a restart', { timeout }, async () => {
        const id = await newIndex();
        const corpus = filterCorpus();
        await backend.upsertChunks(id, corpus);
        await backend.updateFileAttributes(id, 'file-1', { category: 'moved' });
        backend = await options.reopen!(backend);
        expect(await backend.countChunks(id)).toBe(corpus.length);
        const near = await backend.query(id, { mode: 'vector', embedding: axis(0), k: 1 });
        expect(near[0]?.chunkId).toBe('f00');
        const moved = await backend.query(id, { mode: 'keyword', text: 'document', k: 100, filters: { type: 'eq', key: 'category', value: 'moved' } });
        expect(new Set(ids(moved))).toEqual(new Set(corpus.filter((item) => item.fileId === 'file-1').map((item) => item.chunkId)));
        // A direction no corpus chunk has, so the new chunk is the only exact match.
        const fresh = axis(3, 0.9, 6);
        await backend.upsertChunks(id, [chunk('after', 'written after restart', fresh)]);
        expect(ids(await backend.query(id, { mode: 'vector', embedding: fresh, k: 1 }))).toEqual(['after']);
      });
    }
  });
}

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let index = 0; index < a.length; index += 1) {
    dot += (a[index] as number) * (b[index] as number);
    na += (a[index] as number) ** 2;
    nb += (b[index] as number) ** 2;
  }
  return dot / Math.sqrt(na * nb);
}
