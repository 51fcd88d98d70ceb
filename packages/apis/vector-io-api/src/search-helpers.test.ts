import { describe, expect, it } from 'vitest';
import type { IndexHit } from './backend.js';
import type { AttributeFilter } from './schemas.js';
import { cosineSimilarity, fuseHybrid, keywordTokens, matchesFilter, normalize } from './search-helpers.js';

const hit = (chunkId: string, score: number): IndexHit => ({ chunkId, score, attributes: {}, chunk: { chunk_id: chunkId, content: chunkId, metadata: {} } });

describe('matchesFilter', () => {
  const attributes = { kind: 'news', year: 2020, draft: false };

  it('compares scalars of the same type only', () => {
    expect(matchesFilter({ type: 'eq', key: 'kind', value: 'news' }, attributes)).toBe(true);
    expect(matchesFilter({ type: 'gt', key: 'year', value: 2019 }, attributes)).toBe(true);
    expect(matchesFilter({ type: 'lte', key: 'year', value: 2019 }, attributes)).toBe(false);
    expect(matchesFilter({ type: 'gt', key: 'year', value: '2019' }, attributes)).toBe(false);
    expect(matchesFilter({ type: 'gt', key: 'draft', value: true }, attributes)).toBe(false);
    expect(matchesFilter({ type: 'eq', key: 'draft', value: false }, attributes)).toBe(true);
  });

  it('treats a missing key as matching only ne and nin', () => {
    expect(matchesFilter({ type: 'eq', key: 'tag', value: 'x' }, attributes)).toBe(false);
    expect(matchesFilter({ type: 'ne', key: 'tag', value: 'x' }, attributes)).toBe(true);
    expect(matchesFilter({ type: 'nin', key: 'tag', value: ['x'] }, attributes)).toBe(true);
    expect(matchesFilter({ type: 'in', key: 'tag', value: ['x'] }, attributes)).toBe(false);
  });

  it('combines with and / or', () => {
    const both: AttributeFilter = { type: 'and', filters: [{ type: 'eq', key: 'kind', value: 'news' }, { type: 'in', key: 'year', value: [2019, 2020] }] };
    expect(matchesFilter(both, attributes)).toBe(true);
    expect(matchesFilter({ type: 'or', filters: [{ type: 'eq', key: 'kind', value: 'blog' }, { type: 'lt', key: 'year', value: 2000 }] }, attributes)).toBe(false);
  });
});

describe('fuseHybrid', () => {
  it('adds reciprocal ranks (k = 60 by default)', () => {
    const fused = fuseHybrid([hit('a', 0.9), hit('b', 0.8)], [hit('b', 5), hit('c', 3)], undefined, 10);
    expect(fused.map((item) => item.chunkId)).toEqual(['b', 'a', 'c']);
    expect(fused[0]?.score).toBeCloseTo(1 / 62 + 1 / 61, 12);
    expect(fused[1]?.score).toBeCloseTo(1 / 61, 12);
    expect(fuseHybrid([hit('a', 1)], [], { type: 'rrf', impactFactor: 1 }, 10)[0]?.score).toBeCloseTo(0.5, 12);
  });

  it('weights min-max normalised scores by alpha, and keeps at most k', () => {
    const fused = fuseHybrid([hit('a', 0.9), hit('b', 0.5)], [hit('b', 4), hit('c', 2)], { type: 'weighted', alpha: 0.25 }, 2);
    expect(fused.map((item) => [item.chunkId, item.score])).toEqual([
      ['b', 0.75],
      ['a', 0.25],
    ]);
  });
});

describe('vector and text helpers', () => {
  it('computes cosine similarity and normalises scores', () => {
    expect(cosineSimilarity([1, 0], [1, 0])).toBe(1);
    expect(cosineSimilarity([1, 0], [0, 2])).toBe(0);
    expect(cosineSimilarity([1, 1], [0, 0])).toBe(0);
    expect(normalize([2, 4, 3])).toEqual([0, 1, 0.5]);
    expect(normalize([7, 7])).toEqual([1, 1]);
  });

  it('splits words in any script and lower-cases them', () => {
    expect(keywordTokens('Naïve café, 東京 2024!')).toEqual(['naïve', 'café', '東京', '2024']);
  });
});
