import { TopK } from './heap.js';
import { checkDimension, sortResults, type AcceptId, type VectorIndex, type VectorSearchResult } from './vector-index.js';
import { dotAt, normalized, writeNormalized } from './vector-math.js';

/**
 * Exact nearest-neighbour search: unit-length vectors packed into one contiguous `Float32Array`,
 * scanned in full for every query, with a bounded heap keeping the top k. Removal moves the last
 * vector into the freed slot, so storage stays dense. Filters are checked while scanning, before
 * any dot product, so a filtered query returns up to k accepted hits.
 */
export class FlatIndex implements VectorIndex {
  private data: Float32Array;
  private slotIds: string[] = [];
  private readonly slots = new Map<string, number>();

  constructor(
    readonly dimension: number,
    initialCapacity = 16,
  ) {
    if (!Number.isInteger(dimension) || dimension <= 0) throw new RangeError(`dimension must be a positive integer, got ${dimension}.`);
    this.data = new Float32Array(Math.max(initialCapacity, 1) * dimension);
  }

  get size(): number {
    return this.slotIds.length;
  }

  add(id: string, vector: ArrayLike<number>): void {
    checkDimension(vector, this.dimension, `The vector for '${id}'`);
    let slot = this.slots.get(id);
    if (slot === undefined) {
      slot = this.slotIds.length;
      if ((slot + 1) * this.dimension > this.data.length) this.grow();
      this.slotIds.push(id);
      this.slots.set(id, slot);
    }
    writeNormalized(vector, this.data, slot * this.dimension);
  }

  remove(id: string): boolean {
    const slot = this.slots.get(id);
    if (slot === undefined) return false;
    const last = this.slotIds.length - 1;
    if (slot !== last) {
      const movedId = this.slotIds[last];
      this.data.copyWithin(slot * this.dimension, last * this.dimension, (last + 1) * this.dimension);
      this.slotIds[slot] = movedId;
      this.slots.set(movedId, slot);
    }
    this.slotIds.pop();
    this.slots.delete(id);
    return true;
  }

  removeMany(ids: Iterable<string>): number {
    let removed = 0;
    for (const id of ids) if (this.remove(id)) removed += 1;
    return removed;
  }

  has(id: string): boolean {
    return this.slots.has(id);
  }

  search(vector: ArrayLike<number>, k: number, accept?: AcceptId): VectorSearchResult[] {
    checkDimension(vector, this.dimension, 'The query vector');
    const count = this.slotIds.length;
    if (k <= 0 || count === 0) return [];
    const query = normalized(vector);
    const dimension = this.dimension;
    const data = this.data;
    const top = new TopK(Math.min(k, count), this.worseSlot);
    for (let slot = 0; slot < count; slot += 1) {
      if (accept && !accept(this.slotIds[slot])) continue;
      top.offer(dotAt(query, 0, data, slot * dimension, dimension), slot);
    }
    return this.results(top);
  }

  searchAmong(vector: ArrayLike<number>, k: number, ids: Iterable<string>): VectorSearchResult[] {
    checkDimension(vector, this.dimension, 'The query vector');
    if (k <= 0) return [];
    const query = normalized(vector);
    const top = new TopK(k, this.worseSlot);
    for (const id of ids) {
      const slot = this.slots.get(id);
      if (slot !== undefined) top.offer(dotAt(query, 0, this.data, slot * this.dimension, this.dimension), slot);
    }
    return this.results(top);
  }

  vector(id: string): Float32Array | undefined {
    const slot = this.slots.get(id);
    return slot === undefined ? undefined : this.data.slice(slot * this.dimension, (slot + 1) * this.dimension);
  }

  ids(): IterableIterator<string> {
    return this.slotIds[Symbol.iterator]();
  }

  /** Ties rank by id, ascending. */
  private readonly worseSlot = (a: number, b: number): boolean => (this.slotIds[a] as string) > (this.slotIds[b] as string);

  private results(top: TopK): VectorSearchResult[] {
    return sortResults(top.drain().map(({ value, score }) => ({ id: this.slotIds[value], score })));
  }

  private grow(): void {
    const next = new Float32Array(Math.max(this.data.length * 2, this.dimension));
    next.set(this.data);
    this.data = next;
  }
}
