import type { HybridRanker, IndexHit } from './backend.js';
import type { AttributeFilter, Attributes, ComparisonFilter } from './schemas.js';

/** Whether attributes satisfy an OpenAI attribute filter (missing keys never match a comparison, except `ne`/`nin`). */
export function matchesFilter(filter: AttributeFilter, attributes: Readonly<Attributes>): boolean {
  switch (filter.type) {
    case 'and':
      return filter.filters.every((inner) => matchesFilter(inner, attributes));
    case 'or':
      return filter.filters.some((inner) => matchesFilter(inner, attributes));
    default:
      return matchesComparison(filter, attributes);
  }
}

function matchesComparison(filter: ComparisonFilter, attributes: Readonly<Attributes>): boolean {
  const present = Object.prototype.hasOwnProperty.call(attributes, filter.key);
  const actual = present ? attributes[filter.key] : undefined;
  const value = filter.value;
  switch (filter.type) {
    case 'eq':
      return present && actual === value;
    case 'ne':
      return !present || actual !== value;
    case 'in':
      return present && Array.isArray(value) && value.includes(actual as string | number | boolean);
    case 'nin':
      return !present || (Array.isArray(value) && !value.includes(actual as string | number | boolean));
    default: {
      if (!present || Array.isArray(value) || typeof actual !== typeof value || typeof actual === 'boolean') return false;
      const a = actual as string | number;
      const b = value as string | number;
      if (filter.type === 'gt') return a > b;
      if (filter.type === 'gte') return a >= b;
      if (filter.type === 'lt') return a < b;
      return a <= b;
    }
  }
}

/** Cosine similarity of two vectors of the same length (0 when either is all zeros). */
export function cosineSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let index = 0; index < a.length; index += 1) {
    const x = a[index] as number;
    const y = b[index] as number;
    dot += x * y;
    normA += x * x;
    normB += y * y;
  }
  if (normA === 0 || normB === 0) return 0;
  return dot / Math.sqrt(normA * normB);
}

export const DEFAULT_RRF_IMPACT_FACTOR = 60;
export const DEFAULT_WEIGHTED_ALPHA = 0.5;

/**
 * Fuses vector and keyword hits (each best first) into one ranking of at most `k` hits.
 * RRF: score = Σ 1/(impactFactor + rank). Weighted: alpha·v + (1−alpha)·kw over min-max
 * normalised scores, a side where the chunk is absent counting 0.
 */
export function fuseHybrid(vectorHits: readonly IndexHit[], keywordHits: readonly IndexHit[], ranker: HybridRanker | undefined, k: number): IndexHit[] {
  const byId = new Map<string, { hit: IndexHit; score: number }>();
  const add = (hit: IndexHit, score: number) => {
    const entry = byId.get(hit.chunkId);
    if (entry) entry.score += score;
    else byId.set(hit.chunkId, { hit, score });
  };
  if (!ranker || ranker.type === 'rrf') {
    const constant = ranker?.impactFactor ?? DEFAULT_RRF_IMPACT_FACTOR;
    vectorHits.forEach((hit, rank) => add(hit, 1 / (constant + rank + 1)));
    keywordHits.forEach((hit, rank) => add(hit, 1 / (constant + rank + 1)));
  } else {
    const alpha = ranker.alpha ?? DEFAULT_WEIGHTED_ALPHA;
    const vectorScores = normalize(vectorHits.map((hit) => hit.score));
    const keywordScores = normalize(keywordHits.map((hit) => hit.score));
    vectorHits.forEach((hit, index) => add(hit, alpha * (vectorScores[index] as number)));
    keywordHits.forEach((hit, index) => add(hit, (1 - alpha) * (keywordScores[index] as number)));
  }
  return [...byId.values()]
    .sort((a, b) => b.score - a.score || a.hit.chunkId.localeCompare(b.hit.chunkId))
    .slice(0, k)
    .map(({ hit, score }) => ({ ...hit, score }));
}

/** Min-max normalisation to [0, 1]; equal scores all become 1. */
export function normalize(scores: readonly number[]): number[] {
  if (scores.length === 0) return [];
  const min = Math.min(...scores);
  const max = Math.max(...scores);
  if (max === min) return scores.map(() => 1);
  return scores.map((score) => (score - min) / (max - min));
}

/** Splits text into lower-case word tokens for keyword search (letters and digits, any script). */
export function keywordTokens(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}
