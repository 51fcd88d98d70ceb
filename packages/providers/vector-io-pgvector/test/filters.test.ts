import { postgresTestsEnabled, seededRandom } from '@stack/core/testing';
import { matchesFilter, type AttributeFilter, type Attributes, type IndexedChunk, type VectorIndexBackend } from '@stack/vector-io-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgvectorBackend } from '../src/backend.js';
import { dropTablesWithPrefix, testBackendConfig, testTablePrefix } from './support.js';

/*
 * The SQL translation of attribute filters against `matchesFilter` itself, on a randomized corpus
 * (seeded, so a failure reproduces): missing keys, mixed types, awkward strings and numbers.
 */

const enabled = await postgresTestsEnabled('@stack/vector-io-pgvector filters');

const SEED = 20250601;
const next = seededRandom(SEED);
const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;

const KEYS = ['a', 'b', 'c', "we'ird \"key\"", 'ключ'];
const LETTERS = ['a', 'b', 'B', 'Z', 'é', '東', '0', '9', ' ', '"', '\\', "'", '{', ','];
const NUMBERS = [-3, -1.5, -0.25, 0, 0.1, 0.30000000000000004, 1, 1.0000000000000002, 2, 3, 10, 1e21, -1e-7];

function randomString(): string {
  const length = Math.floor(next() * 4);
  return Array.from({ length }, () => pick(LETTERS)).join('');
}

function randomScalar(): string | number | boolean {
  const kind = next();
  if (kind < 0.4) return randomString();
  if (kind < 0.8) return pick(NUMBERS);
  return next() < 0.5;
}

function randomAttributes(): Attributes {
  const attributes: Attributes = {};
  for (const key of KEYS) if (next() < 0.6) attributes[key] = randomScalar();
  return attributes;
}

function randomFilterValue(type: string): string | number | boolean | Array<string | number | boolean> {
  const odd = next() < 0.1;
  if (odd) return pick([Number.NaN, Number.POSITIVE_INFINITY, ['x'], 'x', 1, []] as const) as never;
  if (type === 'in' || type === 'nin') return Array.from({ length: Math.floor(next() * 4) }, randomScalar);
  return randomScalar();
}

function randomFilter(depth: number): AttributeFilter {
  if (depth > 0 && next() < 0.35) {
    const count = Math.floor(next() * 4);
    return { type: next() < 0.5 ? 'and' : 'or', filters: Array.from({ length: count }, () => randomFilter(depth - 1)) };
  }
  const type = pick(['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'nin'] as const);
  return { type, key: next() < 0.1 ? 'missing' : pick(KEYS), value: randomFilterValue(type) };
}

const DIMENSION = 4;
const corpus: IndexedChunk[] = Array.from({ length: 160 }, (_, index) => ({
  chunkId: `c${index}`,
  text: `common words for chunk ${index}`,
  embedding: Float32Array.from({ length: DIMENSION }, () => next() - 0.5),
  attributes: randomAttributes(),
  chunk: { chunk_id: `c${index}`, content: `chunk ${index}`, metadata: {} },
}));
const filters = Array.from({ length: 300 }, () => randomFilter(3));

describe.skipIf(!enabled)('pgvector filters agree with matchesFilter', () => {
  const tablePrefix = testTablePrefix('flt');
  let backend: VectorIndexBackend;
  const id = 'vs_filters';

  beforeAll(async () => {
    backend = await createPgvectorBackend(testBackendConfig(), { tablePrefix });
    await backend.createIndex({ vectorStoreId: id, dimension: DIMENSION, embeddingModel: 'm' });
    await backend.upsertChunks(id, corpus);
  });

  afterAll(async () => {
    await backend?.close();
    await dropTablesWithPrefix(tablePrefix);
  });

  it('the randomized corpus and filters cover matches and misses', () => {
    const counts = filters.map((filter) => corpus.filter((item) => matchesFilter(filter, item.attributes)).length);
    expect(counts.filter((count) => count === 0).length).toBeGreaterThan(20);
    expect(counts.filter((count) => count === corpus.length).length).toBeGreaterThan(20);
    expect(counts.filter((count) => count > 0 && count < corpus.length).length).toBeGreaterThan(100);
  });

  it('selects exactly the chunks matchesFilter accepts, in vector and keyword mode', async () => {
    for (const [index, filter] of filters.entries()) {
      const expected = corpus
        .filter((item) => matchesFilter(filter, item.attributes))
        .map((item) => item.chunkId)
        .sort();
      const hits = await backend.query(id, { mode: 'vector', embedding: Float32Array.from([1, 0, 0, 0]), k: corpus.length, filters: filter });
      expect(
        hits.map((hit) => hit.chunkId).sort(),
        `filter ${index}: ${JSON.stringify(filter)}`,
      ).toEqual(expected);
      if (index % 5 === 0) {
        const keyword = await backend.query(id, { mode: 'keyword', text: 'common', k: corpus.length, filters: filter });
        expect(keyword.map((hit) => hit.chunkId).sort(), `keyword, filter ${index}: ${JSON.stringify(filter)}`).toEqual(expected);
      }
    }
  });

  it('returns each hit with the attributes the filter saw', async () => {
    const hits = await backend.query(id, { mode: 'vector', embedding: Float32Array.from([0, 1, 0, 0]), k: corpus.length });
    const byId = new Map(corpus.map((item) => [item.chunkId, item.attributes]));
    for (const hit of hits) expect(hit.attributes).toEqual(byId.get(hit.chunkId));
  });
});
