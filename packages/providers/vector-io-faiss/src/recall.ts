import type { AcceptId, VectorIndex, VectorSearchResult } from './vector-index.js';

/**
 * Mean recall@k: for each query, the share of the exact top k (`exact[i]`, best first) that the
 * approximate answer's top k (`approximate[i]`) also contains; queries whose exact answer is
 * empty are skipped. 1 means every true neighbour was found.
 */
export function recallAt(k: number, approximate: ReadonlyArray<readonly VectorSearchResult[]>, exact: ReadonlyArray<readonly VectorSearchResult[]>): number {
  if (approximate.length !== exact.length) throw new RangeError(`recallAt needs one approximate answer per exact answer (${approximate.length} vs ${exact.length}).`);
  let total = 0;
  let counted = 0;
  exact.forEach((truth, index) => {
    const wanted = truth.slice(0, k);
    if (wanted.length === 0) return;
    const found = new Set((approximate[index] as readonly VectorSearchResult[]).slice(0, k).map((result) => result.id));
    total += wanted.filter((result) => found.has(result.id)).length / wanted.length;
    counted += 1;
  });
  return counted === 0 ? 1 : total / counted;
}

/**
 * Recall@k of `index` against an exact `reference` holding the same vectors (a `FlatIndex`, or
 * pass the HNSW index's own `searchExact` through a `FlatIndex` built from the same data).
 */
export function measureRecall(index: VectorIndex, reference: VectorIndex, queries: ReadonlyArray<ArrayLike<number>>, k: number, accept?: AcceptId): number {
  return recallAt(
    k,
    queries.map((query) => index.search(query, k, accept)),
    queries.map((query) => reference.search(query, k, accept)),
  );
}
