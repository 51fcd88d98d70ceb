import { keywordTokens } from '@stack/vector-io-api';

/** A document's term frequencies and length, computed once when it is stored. */
export interface KeywordDocument {
  termFrequencies: Map<string, number>;
  length: number;
}

/** Tokenises text for BM25 with the tokeniser every backend shares (`keywordTokens`). */
export function keywordDocument(text: string): KeywordDocument {
  const tokens = keywordTokens(text);
  const termFrequencies = new Map<string, number>();
  for (const token of tokens) termFrequencies.set(token, (termFrequencies.get(token) ?? 0) + 1);
  return { termFrequencies, length: tokens.length };
}

const K1 = 1.2;
const B = 0.75;

/**
 * Okapi BM25 scores of `candidates` for `query`, with corpus statistics (document count, average
 * length, document frequencies) taken over the whole `corpus`. Only candidates containing at least
 * one query term are returned, each with a positive score.
 */
export function bm25Scores<T>(
  query: string,
  corpus: readonly KeywordDocument[],
  candidates: ReadonlyArray<{ item: T; document: KeywordDocument }>,
): Array<{ item: T; score: number }> {
  const terms = [...new Set(keywordTokens(query))];
  if (terms.length === 0 || corpus.length === 0) return [];
  const averageLength = corpus.reduce((sum, document) => sum + document.length, 0) / corpus.length || 1;
  const inverseFrequencies = terms.map((term) => {
    let containing = 0;
    for (const document of corpus) if (document.termFrequencies.has(term)) containing += 1;
    return Math.log(1 + (corpus.length - containing + 0.5) / (containing + 0.5));
  });
  const scored: Array<{ item: T; score: number }> = [];
  for (const { item, document } of candidates) {
    let score = 0;
    terms.forEach((term, index) => {
      const frequency = document.termFrequencies.get(term);
      if (!frequency) return;
      const lengthNorm = 1 - B + (B * document.length) / averageLength;
      score += (inverseFrequencies[index] as number) * ((frequency * (K1 + 1)) / (frequency + K1 * lengthNorm));
    });
    if (score > 0) scored.push({ item, score });
  }
  return scored;
}
