/** One search result: the id given to `add` and its cosine similarity to the query. */
export interface VectorSearchResult {
  id: string;
  score: number;
}

/** Decides whether an id may appear in the results (a filter). */
export type AcceptId = (id: string) => boolean;

/**
 * What both in-memory indexes offer. Vectors are stored unit-length, so the cosine similarity
 * of two vectors is their dot product; scores are cosine similarities, best first.
 */
export interface VectorIndex {
  readonly dimension: number;
  /** Number of vectors held. */
  readonly size: number;
  /** Adds a vector, or replaces the vector of an id already present. */
  add(id: string, vector: ArrayLike<number>): void;
  /** Removes one id; false when it was absent. */
  remove(id: string): boolean;
  /** Removes many ids at once (cheaper than one by one for the HNSW graph); returns how many were present. */
  removeMany(ids: Iterable<string>): number;
  has(id: string): boolean;
  /** The `k` nearest vectors, only among accepted ids when `accept` is given (up to k accepted hits). */
  search(vector: ArrayLike<number>, k: number, accept?: AcceptId): VectorSearchResult[];
  /** Exact top `k` among the listed ids (ids not in the index are skipped). */
  searchAmong(vector: ArrayLike<number>, k: number, ids: Iterable<string>): VectorSearchResult[];
  /** A copy of the stored (unit-length) vector of an id. */
  vector(id: string): Float32Array | undefined;
  /** Every id held. */
  ids(): IterableIterator<string>;
}

/** Sorts results best first, ties by id, so equal scores come back in a stable order. */
export function sortResults(results: VectorSearchResult[]): VectorSearchResult[] {
  return results.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export function checkDimension(vector: ArrayLike<number>, dimension: number, what: string): void {
  if (vector.length !== dimension) throw new RangeError(`${what} has ${vector.length} dimensions; the index has dimension ${dimension}.`);
}
