import { cosineSimilarity } from '@stack/vector-io-api';
import { describe, expect, it } from 'vitest';
import { FlatIndex } from './flat-index.js';

function bruteForce(vectors: Map<string, Float32Array>, query: Float32Array, k: number, accept?: (id: string) => boolean) {
  return [...vectors]
    .filter(([id]) => !accept || accept(id))
    .map(([id, vector]) => ({ id, score: cosineSimilarity(query, vector) }))
    .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1))
    .slice(0, k);
}

function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648 - 0.5;
  };
}

describe('FlatIndex', () => {
  const next = random(11);
  const vectors = new Map<string, Float32Array>();
  for (let index = 0; index < 300; index += 1) vectors.set(`v${index}`, Float32Array.from({ length: 16 }, next));
  const queries = Array.from({ length: 20 }, () => Float32Array.from({ length: 16 }, next));

  it('returns exactly the cosine top k', () => {
    const index = new FlatIndex(16, 4);
    for (const [id, vector] of vectors) index.add(id, vector);
    expect(index.size).toBe(300);
    for (const query of queries) {
      const expected = bruteForce(vectors, query, 7);
      const actual = index.search(query, 7);
      expect(actual.map((hit) => hit.id)).toEqual(expected.map((hit) => hit.id));
      actual.forEach((hit, position) => expect(hit.score).toBeCloseTo(expected[position]!.score, 5));
    }
  });

  it('filters while scanning, so a filter still yields k hits', () => {
    const index = new FlatIndex(16);
    for (const [id, vector] of vectors) index.add(id, vector);
    const accept = (id: string) => Number(id.slice(1)) % 13 === 0;
    for (const query of queries) {
      const hits = index.search(query, 10, accept);
      expect(hits).toHaveLength(10);
      expect(hits.map((hit) => hit.id)).toEqual(bruteForce(vectors, query, 10, accept).map((hit) => hit.id));
    }
    expect(index.search(queries[0]!, 50, (id) => id === 'v5').map((hit) => hit.id)).toEqual(['v5']);
  });

  it('removes and replaces vectors, keeping the rest searchable', () => {
    const index = new FlatIndex(16);
    for (const [id, vector] of vectors) index.add(id, vector);
    const remaining = new Map(vectors);
    for (let position = 0; position < 300; position += 3) {
      expect(index.remove(`v${position}`)).toBe(true);
      remaining.delete(`v${position}`);
    }
    expect(index.remove('v0')).toBe(false);
    expect(index.size).toBe(200);
    const replacement = queries[3]!;
    index.add('v1', replacement);
    remaining.set('v1', replacement);
    expect(index.search(replacement, 1)[0]).toEqual({ id: 'v1', score: expect.closeTo(1, 5) });
    for (const query of queries) {
      expect(index.search(query, 5).map((hit) => hit.id)).toEqual(bruteForce(remaining, query, 5).map((hit) => hit.id));
    }
    expect(new Set(index.ids())).toEqual(new Set(remaining.keys()));
  });

  it('searches among listed ids only, and scores a zero vector 0', () => {
    const index = new FlatIndex(3);
    index.add('x', [1, 0, 0]);
    index.add('y', [0, 1, 0]);
    index.add('zero', [0, 0, 0]);
    expect(index.searchAmong([1, 0, 0], 5, ['y', 'zero', 'missing'])).toEqual([
      { id: 'y', score: 0 },
      { id: 'zero', score: 0 },
    ]);
    expect(index.search([1, 1, 0], 1)[0]?.score).toBeCloseTo(Math.SQRT1_2, 6);
    expect(index.vector('x')).toEqual(new Float32Array([1, 0, 0]));
  });

  it('rejects vectors of the wrong dimension', () => {
    const index = new FlatIndex(4);
    expect(() => index.add('a', [1, 2, 3])).toThrow(/dimension/);
    expect(() => index.search([1, 2], 1)).toThrow(/dimension/);
  });
});
