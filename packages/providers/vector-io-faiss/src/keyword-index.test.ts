import { keywordTokens } from '@stack/vector-io-api';
import { describe, expect, it } from 'vitest';
import { BM25_B, BM25_K1, KeywordIndex } from './keyword-index.js';

/** BM25 straight from its definition, for comparison. */
function referenceScores(documents: Map<string, string>, query: string): Map<string, number> {
  const tokenized = new Map([...documents].map(([id, text]) => [id, keywordTokens(text)]));
  const count = tokenized.size;
  const averageLength = [...tokenized.values()].reduce((sum, tokens) => sum + tokens.length, 0) / count;
  const scores = new Map<string, number>();
  for (const term of new Set(keywordTokens(query))) {
    const containing = [...tokenized.values()].filter((tokens) => tokens.includes(term)).length;
    if (containing === 0) continue;
    const idf = Math.log(1 + (count - containing + 0.5) / (containing + 0.5));
    for (const [id, tokens] of tokenized) {
      const frequency = tokens.filter((token) => token === term).length;
      if (frequency === 0) continue;
      const score = (idf * frequency * (BM25_K1 + 1)) / (frequency + BM25_K1 * (1 - BM25_B + (BM25_B * tokens.length) / averageLength));
      scores.set(id, (scores.get(id) ?? 0) + score);
    }
  }
  return scores;
}

const corpus = new Map([
  ['cats', 'Cats are small carnivorous mammals. Cats purr.'],
  ['dogs', 'Dogs are loyal mammals and good companions'],
  ['both', 'Cats and dogs can live together'],
  ['long', 'A very long document that mentions cats only once among many many other words about weather and travel'],
  ['none', 'Nothing relevant at all'],
]);

describe('KeywordIndex', () => {
  it('scores exactly as BM25 (k1 1.2, b 0.75) defines', () => {
    const index = new KeywordIndex();
    for (const [id, text] of corpus) index.add(id, text);
    for (const query of ['cats', 'dogs cats', 'mammals purr', 'zebra']) {
      const expected = referenceScores(corpus, query);
      const hits = index.search(query, 10);
      expect(new Set(hits.map((hit) => hit.id))).toEqual(new Set(expected.keys()));
      for (const hit of hits) expect(hit.score).toBeCloseTo(expected.get(hit.id)!, 10);
    }
  });

  it('ranks more frequent terms, rarer terms and shorter documents higher', () => {
    const index = new KeywordIndex();
    for (const [id, text] of corpus) index.add(id, text);
    const cats = index.search('cats', 10).map((hit) => hit.id);
    expect(cats[0]).toBe('cats');
    expect(cats.at(-1)).toBe('long');
    expect(index.search('purr dogs', 10)[0]?.id).toBe('cats');
    const both = index.search('cats dogs', 10);
    expect(both[0]?.id).toBe('both');
    for (const hit of both) expect(hit.score).toBeGreaterThan(0);
  });

  it('filters before taking the top k and returns only documents with a query term', () => {
    const index = new KeywordIndex();
    for (const [id, text] of corpus) index.add(id, text);
    expect(index.search('cats', 1, (id) => id !== 'cats' && id !== 'both').map((hit) => hit.id)).toEqual(['long']);
    expect(index.search('', 5)).toEqual([]);
    expect(index.search('cats', 0)).toEqual([]);
  });

  it('keeps document frequencies right through replacements, removals and compaction', () => {
    const index = new KeywordIndex();
    const live = new Map<string, string>();
    const words = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta'];
    for (let round = 0; round < 3000; round += 1) {
      const id = `d${round % 700}`;
      if (round % 5 === 4) {
        index.remove(id);
        live.delete(id);
      } else {
        const text = Array.from({ length: 1 + (round % 7) }, (_, position) => words[(round * 7 + position * 3) % words.length]).join(' ');
        index.add(id, text);
        live.set(id, text);
      }
    }
    expect(index.size).toBe(live.size);
    for (const query of ['alpha', 'beta gamma', 'zeta epsilon delta']) {
      const expected = referenceScores(live, query);
      const hits = index.search(query, 1000);
      expect(hits).toHaveLength(expected.size);
      for (const hit of hits) expect(hit.score).toBeCloseTo(expected.get(hit.id)!, 9);
    }
  });
});
