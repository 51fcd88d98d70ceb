import { MinHeap, TopK } from './heap.js';
import { checkDimension, sortResults, type AcceptId, type VectorIndex, type VectorSearchResult } from './vector-index.js';
import { SeededRandom, dotAt, normalized, writeNormalized } from './vector-math.js';

/** HNSW parameters; the defaults are the provider's config defaults. */
export interface HnswOptions {
  /** Links per node on the upper layers (twice as many on layer 0). Default 16. */
  m?: number;
  /** Candidate list size while inserting: higher builds a better graph, more slowly. Default 100. */
  efConstruction?: number;
  /** Candidate list size while searching (at least k is used): higher is more exact, slower. Default 64. */
  efSearch?: number;
  /** Seeds the level draws, so the same insertions build the same graph. Default 42. */
  seed?: number;
}

/**
 * A graph as `HnswIndex.toSnapshot` captures it: node `i` is `ids[i]`; `graph` holds, per node,
 * its level then, for each layer from 0 up, a neighbour count and the neighbours' node numbers.
 */
export interface HnswSnapshot {
  m: number;
  ids: string[];
  graph: Int32Array;
  entry: number;
  topLevel: number;
  /** The level generator's state, so later insertions continue the same sequence. */
  randomState: number;
}

const MAX_LEVEL = 24;
/** Dead-node expansions allowed while collecting repair candidates for one node and layer. */
const REPAIR_EXPANSION_LIMIT = 32;

/**
 * Approximate nearest-neighbour search with a hierarchical navigable small-world graph
 * (Malkov & Yashunin): unit-length vectors in one `Float32Array`, neighbour lists in `Int32Array`s,
 * levels drawn from a seeded generator (the same insertions build the same graph). A new node
 * picks up to `maxLinks` (2·m on layer 0, m above) neighbours with the diversity heuristic; back
 * links into full lists use a cheaper one-candidate form of it (see `link`).
 *
 * Deletion repairs the graph at once rather than leaving tombstones: every node that linked to a
 * removed node keeps its other neighbours and refills from the removed node's neighbours (see
 * `repair`), a node left with no layer-0 link is re-linked by a search, the entry point moves to a
 * surviving top-level node, and the slot is reused. Deleting many ids at once (`removeMany`) scans
 * the graph once for all of them.
 *
 * Filtered search (`accept`) walks the graph as usual but only accepted nodes enter the result
 * list, so the walk keeps going until `ef` accepted nodes are found; if the walk runs out before k
 * accepted nodes are found and part of the graph was never reached, an exact scan of the
 * accepted nodes completes the answer. Either way up to k accepted hits come back.
 */
export class HnswIndex implements VectorIndex {
  readonly dimension: number;
  readonly m: number;
  readonly m0: number;
  readonly efConstruction: number;
  /** Can be changed at any time; applies to the next search. */
  efSearch: number;

  private readonly levelScale: number;
  private readonly random: SeededRandom;
  private capacity = 0;
  private vectors = new Float32Array(0);
  /** Per slot: the node's level, or -1 for a free slot. */
  private levels = new Int32Array(0);
  /** Layer-0 neighbour lists, `m0 + 1` ints per slot: count, then neighbours. */
  private links0 = new Int32Array(0);
  /** Upper-layer lists per slot: for layers 1..level, `m + 1` ints each (count, then neighbours). */
  private upper: Array<Int32Array | null> = [];
  private slotIds: Array<string | undefined> = [];
  private readonly slots = new Map<string, number>();
  private readonly freeSlots: number[] = [];
  /** Slots ever used: every live slot is below this. */
  private highWater = 0;
  private entry = -1;
  private topLevel = -1;
  private visited = new Uint32Array(0);
  private visitTag = 0;
  private visitedCount = 0;

  constructor(dimension: number, options: HnswOptions = {}) {
    if (!Number.isInteger(dimension) || dimension <= 0) throw new RangeError(`dimension must be a positive integer, got ${dimension}.`);
    const m = options.m ?? 16;
    if (!Number.isInteger(m) || m < 2) throw new RangeError(`m must be an integer of at least 2, got ${m}.`);
    this.dimension = dimension;
    this.m = m;
    this.m0 = 2 * m;
    this.efConstruction = Math.max(options.efConstruction ?? 100, m);
    this.efSearch = Math.max(options.efSearch ?? 64, 1);
    this.levelScale = 1 / Math.log(m);
    this.random = new SeededRandom(options.seed ?? 42);
    this.ensureCapacity(64);
  }

  get size(): number {
    return this.slots.size;
  }

  has(id: string): boolean {
    return this.slots.has(id);
  }

  ids(): IterableIterator<string> {
    return this.slots.keys();
  }

  vector(id: string): Float32Array | undefined {
    const slot = this.slots.get(id);
    return slot === undefined ? undefined : this.vectors.slice(slot * this.dimension, (slot + 1) * this.dimension);
  }

  add(id: string, vector: ArrayLike<number>): void {
    checkDimension(vector, this.dimension, `The vector for '${id}'`);
    const existing = this.slots.get(id);
    if (existing !== undefined) {
      const unit = normalized(vector);
      if (this.sameVector(existing, unit)) return;
      this.removeMany([id]);
    }
    const slot = this.allocate(id);
    writeNormalized(vector, this.vectors, slot * this.dimension);
    this.insert(slot, this.randomLevel());
  }

  remove(id: string): boolean {
    return this.removeMany([id]) === 1;
  }

  removeMany(ids: Iterable<string>): number {
    const dead = new Set<number>();
    for (const id of ids) {
      const slot = this.slots.get(id);
      if (slot !== undefined) dead.add(slot);
    }
    if (dead.size === 0) return 0;
    if (dead.size === this.slots.size) {
      this.clear();
      return dead.size;
    }
    const isDead = new Uint8Array(this.highWater);
    for (const slot of dead) isDead[slot] = 1;
    const isolated: number[] = [];
    // Every surviving node that links to a removed one re-selects its neighbours on that layer.
    for (let slot = 0; slot < this.highWater; slot += 1) {
      const level = this.levels[slot];
      if (level < 0 || isDead[slot]) continue;
      for (let layer = 0; layer <= level; layer += 1) {
        const list = this.linkList(slot, layer);
        const offset = this.linkOffset(slot, layer);
        const count = list[offset];
        for (let index = 1; index <= count; index += 1) {
          if (isDead[list[offset + index]]) {
            if (this.repair(slot, layer, isDead) === 0 && layer === 0) isolated.push(slot);
            break;
          }
        }
      }
    }
    const entryDead = isDead[this.entry] === 1;
    for (const slot of dead) this.release(slot);
    if (entryDead) this.chooseEntry();
    for (const slot of isolated) this.reconnect(slot);
    return dead.size;
  }

  search(vector: ArrayLike<number>, k: number, accept?: AcceptId): VectorSearchResult[] {
    checkDimension(vector, this.dimension, 'The query vector');
    if (k <= 0 || this.entry < 0) return [];
    const query = normalized(vector);
    const acceptSlot = accept ? (slot: number) => accept(this.slotIds[slot] as string) : undefined;
    const start = this.descend(query, 0, this.topLevel, 0);
    const ef = Math.max(this.efSearch, k);
    const found = this.searchLayer(query, 0, [start], ef, 0, acceptSlot);
    const wanted = Math.min(k, this.slots.size);
    if (found.size < wanted && this.visitedCount < this.slots.size) {
      // Part of the graph was never reached: finish with an exact scan, which cannot miss.
      return this.exact(query, k, acceptSlot);
    }
    const results: VectorSearchResult[] = [];
    while (found.size > 0) {
      const score = found.peekKey();
      results.push({ id: this.slotIds[found.pop()] as string, score });
    }
    return sortResults(results).slice(0, k);
  }

  /** Exact top k over every node (what `FlatIndex` would answer), for recall measurements and selective filters. */
  searchExact(vector: ArrayLike<number>, k: number, accept?: AcceptId): VectorSearchResult[] {
    checkDimension(vector, this.dimension, 'The query vector');
    if (k <= 0) return [];
    return this.exact(normalized(vector), k, accept ? (slot) => accept(this.slotIds[slot] as string) : undefined);
  }

  searchAmong(vector: ArrayLike<number>, k: number, ids: Iterable<string>): VectorSearchResult[] {
    checkDimension(vector, this.dimension, 'The query vector');
    if (k <= 0) return [];
    const query = normalized(vector);
    const top = new TopK(k, this.worseSlot);
    for (const id of ids) {
      const slot = this.slots.get(id);
      if (slot !== undefined) top.offer(this.similarityTo(query, 0, slot), slot);
    }
    return sortResults(top.drain().map(({ value, score }) => ({ id: this.slotIds[value] as string, score })));
  }

  /** The graph in a compact, dense form (free slots dropped), for persistence. */
  toSnapshot(): HnswSnapshot {
    const numbering = new Int32Array(this.highWater).fill(-1);
    const ids: string[] = [];
    let length = 0;
    for (let slot = 0; slot < this.highWater; slot += 1) {
      const level = this.levels[slot];
      if (level < 0) continue;
      numbering[slot] = ids.length;
      ids.push(this.slotIds[slot] as string);
      length += 1;
      for (let layer = 0; layer <= level; layer += 1) length += 1 + this.linkList(slot, layer)[this.linkOffset(slot, layer)];
    }
    const graph = new Int32Array(length);
    let cursor = 0;
    for (let slot = 0; slot < this.highWater; slot += 1) {
      const level = this.levels[slot];
      if (level < 0) continue;
      graph[cursor++] = level;
      for (let layer = 0; layer <= level; layer += 1) {
        const list = this.linkList(slot, layer);
        const offset = this.linkOffset(slot, layer);
        const count = list[offset];
        graph[cursor++] = count;
        for (let index = 1; index <= count; index += 1) graph[cursor++] = numbering[list[offset + index]];
      }
    }
    return {
      m: this.m,
      ids,
      graph,
      entry: this.entry < 0 ? -1 : numbering[this.entry],
      topLevel: this.topLevel,
      randomState: this.random.seed,
    };
  }

  /**
   * Rebuilds an index from a snapshot and the nodes' vectors. Nodes whose vector `vectorOf`
   * does not give (removed or changed since the snapshot) are removed with graph repair; the
   * caller then adds whatever the snapshot lacks. Throws a `RangeError` on a malformed snapshot.
   */
  static fromSnapshot(
    dimension: number,
    options: HnswOptions,
    snapshot: HnswSnapshot,
    vectorOf: (id: string) => ArrayLike<number> | undefined,
  ): HnswIndex {
    const index = new HnswIndex(dimension, { ...options, m: snapshot.m, seed: snapshot.randomState });
    const count = snapshot.ids.length;
    index.ensureCapacity(count);
    const stale: string[] = [];
    const graph = snapshot.graph;
    let cursor = 0;
    const read = (): number => {
      if (cursor >= graph.length) throw new RangeError('The HNSW snapshot ends early.');
      return graph[cursor++];
    };
    for (let node = 0; node < count; node += 1) {
      const id = snapshot.ids[node];
      if (index.slots.has(id)) throw new RangeError(`The HNSW snapshot lists '${id}' twice.`);
      const level = read();
      if (level < 0 || level > MAX_LEVEL) throw new RangeError(`The HNSW snapshot has a node of level ${level}.`);
      index.slotIds[node] = id;
      index.slots.set(id, node);
      index.levels[node] = level;
      index.upper[node] = level > 0 ? new Int32Array(level * (index.m + 1)) : null;
      for (let layer = 0; layer <= level; layer += 1) {
        const list = index.linkList(node, layer);
        const offset = index.linkOffset(node, layer);
        const links = read();
        if (links < 0 || links > index.maxLinks(layer)) throw new RangeError(`The HNSW snapshot has a list of ${links} links.`);
        list[offset] = links;
        for (let position = 1; position <= links; position += 1) {
          const neighbour = read();
          if (neighbour < 0 || neighbour >= count) throw new RangeError(`The HNSW snapshot links to node ${neighbour} of ${count}.`);
          list[offset + position] = neighbour;
        }
      }
      const vector = vectorOf(id);
      if (vector === undefined) stale.push(id);
      else {
        checkDimension(vector, dimension, `The vector for '${id}'`);
        writeNormalized(vector, index.vectors, node * dimension);
      }
    }
    if (cursor !== graph.length) throw new RangeError('The HNSW snapshot has trailing data.');
    for (let node = 0; node < count; node += 1) {
      for (let layer = 1; layer <= index.levels[node]; layer += 1) {
        const list = index.linkList(node, layer);
        const offset = index.linkOffset(node, layer);
        for (let position = 1; position <= list[offset]; position += 1) {
          if (index.levels[list[offset + position]] < layer) throw new RangeError('The HNSW snapshot links a node above its level.');
        }
      }
    }
    index.highWater = count;
    if (count > 0) {
      if (snapshot.entry < 0 || snapshot.entry >= count || index.levels[snapshot.entry] !== snapshot.topLevel) {
        throw new RangeError('The HNSW snapshot has an invalid entry point.');
      }
      index.entry = snapshot.entry;
      index.topLevel = snapshot.topLevel;
    }
    index.removeMany(stale);
    return index;
  }

  // --- insertion -------------------------------------------------------------------------

  private insert(slot: number, level: number): void {
    this.levels[slot] = level;
    this.links0[slot * (this.m0 + 1)] = 0;
    this.upper[slot] = level > 0 ? new Int32Array(level * (this.m + 1)) : null;
    if (this.entry < 0) {
      this.entry = slot;
      this.topLevel = level;
      return;
    }
    const query = this.vectors;
    const queryOffset = slot * this.dimension;
    let entryPoints = [this.descend(query, queryOffset, this.topLevel, level + 1)];
    for (let layer = Math.min(level, this.topLevel); layer >= 0; layer -= 1) {
      const found = this.searchLayer(query, queryOffset, entryPoints, this.efConstruction, layer, undefined);
      const candidates = new Int32Array(found.size);
      const scores = new Float64Array(found.size);
      for (let index = found.size - 1; index >= 0; index -= 1) {
        scores[index] = found.peekKey();
        candidates[index] = found.pop();
      }
      const selected = this.selectNeighbours(slot, candidates, scores, this.maxLinks(layer));
      const list = this.linkList(slot, layer);
      const offset = this.linkOffset(slot, layer);
      list[offset] = selected.length;
      for (let index = 0; index < selected.length; index += 1) list[offset + 1 + index] = selected[index];
      for (const neighbour of selected) this.link(neighbour, slot, layer);
      entryPoints = Array.from(candidates);
    }
    if (level > this.topLevel) {
      this.entry = slot;
      this.topLevel = level;
    }
  }

  /**
   * Adds the back link `slot` → `target` on `layer`. A full list is not re-selected from scratch
   * (that costs a heuristic pass over every pair of neighbours, and dominated insertion time):
   * `target` is dropped if a closer neighbour already covers it (the heuristic's own test, run
   * for `target` only), and otherwise replaces the neighbour least similar to `slot`, if
   * `target` is more similar than that one.
   */
  private link(slot: number, target: number, layer: number): void {
    const list = this.linkList(slot, layer);
    const offset = this.linkOffset(slot, layer);
    const count = list[offset];
    if (count < this.maxLinks(layer)) {
      list[offset + 1 + count] = target;
      list[offset] = count + 1;
      return;
    }
    const dimension = this.dimension;
    const vectors = this.vectors;
    const base = slot * dimension;
    const targetOffset = target * dimension;
    const targetScore = dotAt(vectors, base, vectors, targetOffset, dimension);
    let weakest = -1;
    let weakestScore = Infinity;
    for (let index = 1; index <= count; index += 1) {
      const neighbour = list[offset + index];
      const score = dotAt(vectors, base, vectors, neighbour * dimension, dimension);
      if (score < weakestScore) {
        weakestScore = score;
        weakest = index;
      }
      if (score > targetScore && dotAt(vectors, targetOffset, vectors, neighbour * dimension, dimension) > targetScore) return;
    }
    if (targetScore > weakestScore) list[offset + weakest] = target;
  }

  /**
   * The diversity heuristic: walking candidates best first, keep one only if it is closer to the
   * base node than to every neighbour kept so far, up to `limit`. `candidates` are sorted by
   * `scores` (similarity to the base), descending.
   */
  private selectNeighbours(base: number, candidates: Int32Array, scores: Float64Array, limit: number): number[] {
    const selected: number[] = [];
    const dimension = this.dimension;
    const vectors = this.vectors;
    for (let index = 0; index < candidates.length && selected.length < limit; index += 1) {
      const candidate = candidates[index];
      if (candidate === base) continue;
      const score = scores[index];
      const offset = candidate * dimension;
      let keep = true;
      for (const chosen of selected) {
        if (dotAt(vectors, offset, vectors, chosen * dimension, dimension) > score) {
          keep = false;
          break;
        }
      }
      if (keep) selected.push(candidate);
    }
    return selected;
  }

  // --- search ----------------------------------------------------------------------------

  /** Greedy walk from the entry point down to layer `stopLayer`, returning the closest node found. */
  private descend(query: Float32Array, queryOffset: number, fromLayer: number, stopLayer: number): number {
    let current = this.entry;
    let best = this.similarityTo(query, queryOffset, current);
    for (let layer = fromLayer; layer >= stopLayer && layer > 0; layer -= 1) {
      let improved = true;
      while (improved) {
        improved = false;
        const list = this.linkList(current, layer);
        const offset = this.linkOffset(current, layer);
        const count = list[offset];
        for (let index = 1; index <= count; index += 1) {
          const neighbour = list[offset + index];
          const score = this.similarityTo(query, queryOffset, neighbour);
          if (score > best) {
            best = score;
            current = neighbour;
            improved = true;
          }
        }
      }
    }
    return current;
  }

  /**
   * Best-first search of one layer: returns up to `ef` (accepted) nodes in a min-heap keyed by
   * similarity (worst on top). Leaves the number of nodes it looked at in `visitedCount`.
   */
  private searchLayer(
    query: Float32Array,
    queryOffset: number,
    starts: readonly number[],
    ef: number,
    layer: number,
    accept: ((slot: number) => boolean) | undefined,
  ): MinHeap {
    const tag = this.nextVisitTag();
    const visited = this.visited;
    const candidates = new MinHeap(ef * 2);
    const found = new MinHeap(ef + 1);
    let visitedCount = 0;
    for (const start of starts) {
      if (visited[start] === tag) continue;
      visited[start] = tag;
      visitedCount += 1;
      const score = this.similarityTo(query, queryOffset, start);
      candidates.push(-score, start);
      if (!accept || accept(start)) {
        found.push(score, start);
        if (found.size > ef) found.pop();
      }
    }
    while (candidates.size > 0) {
      const score = -candidates.peekKey();
      if (found.size >= ef && score < found.peekKey()) break;
      const current = candidates.pop();
      const list = this.linkList(current, layer);
      const offset = this.linkOffset(current, layer);
      const count = list[offset];
      for (let index = 1; index <= count; index += 1) {
        const neighbour = list[offset + index];
        if (visited[neighbour] === tag) continue;
        visited[neighbour] = tag;
        visitedCount += 1;
        const neighbourScore = this.similarityTo(query, queryOffset, neighbour);
        if (found.size < ef || neighbourScore > found.peekKey()) {
          candidates.push(-neighbourScore, neighbour);
          if (!accept || accept(neighbour)) {
            found.push(neighbourScore, neighbour);
            if (found.size > ef) found.pop();
          }
        }
      }
    }
    this.visitedCount = visitedCount;
    return found;
  }

  private exact(query: Float32Array, k: number, accept: ((slot: number) => boolean) | undefined): VectorSearchResult[] {
    const top = new TopK(k, this.worseSlot);
    for (let slot = 0; slot < this.highWater; slot += 1) {
      if (this.levels[slot] < 0 || (accept && !accept(slot))) continue;
      top.offer(this.similarityTo(query, 0, slot), slot);
    }
    return sortResults(top.drain().map(({ value, score }) => ({ id: this.slotIds[value] as string, score })));
  }

  // --- deletion --------------------------------------------------------------------------

  /**
   * Refills `slot`'s list on `layer` after some of its neighbours were removed: the surviving
   * neighbours stay (they were chosen by the heuristic already), and the freed places go to the
   * removed neighbours' surviving neighbours (looking through chains of removed nodes,
   * boundedly), best first, each kept only if no neighbour already in the list covers it. When
   * that leaves the list less than half full, the best covered candidates fill it up to half, so
   * deletions do not thin the graph out. Returns the new list length.
   */
  private repair(slot: number, layer: number, isDead: Uint8Array): number {
    const tag = this.nextVisitTag();
    const visited = this.visited;
    visited[slot] = tag;
    const list = this.linkList(slot, layer);
    const offset = this.linkOffset(slot, layer);
    const limit = this.maxLinks(layer);
    const deadQueue: number[] = [];
    let count = 0;
    const previous = list[offset];
    for (let index = 1; index <= previous; index += 1) {
      const neighbour = list[offset + index];
      if (visited[neighbour] === tag) continue;
      visited[neighbour] = tag;
      if (isDead[neighbour]) deadQueue.push(neighbour);
      else list[offset + 1 + count++] = neighbour;
    }
    const candidates: number[] = [];
    for (let expanded = 0; expanded < deadQueue.length && expanded < REPAIR_EXPANSION_LIMIT && candidates.length < 2 * limit; expanded += 1) {
      const dead = deadQueue[expanded];
      const deadList = this.linkList(dead, layer);
      const deadOffset = this.linkOffset(dead, layer);
      for (let index = 1; index <= deadList[deadOffset]; index += 1) {
        const node = deadList[deadOffset + index];
        if (visited[node] === tag) continue;
        visited[node] = tag;
        if (isDead[node]) deadQueue.push(node);
        else candidates.push(node);
      }
    }
    const dimension = this.dimension;
    const vectors = this.vectors;
    const base = slot * dimension;
    const scores = new Float64Array(candidates.length);
    const order = candidates.map((candidate, index) => {
      scores[index] = dotAt(vectors, base, vectors, candidate * dimension, dimension);
      return index;
    });
    order.sort((a, b) => scores[b] - scores[a]);
    const covered: number[] = [];
    for (const index of order) {
      if (count >= limit) break;
      const candidate = candidates[index];
      const candidateOffset = candidate * dimension;
      let keep = true;
      for (let position = 1; position <= count; position += 1) {
        if (dotAt(vectors, candidateOffset, vectors, list[offset + position] * dimension, dimension) > scores[index]) {
          keep = false;
          break;
        }
      }
      if (keep) list[offset + 1 + count++] = candidate;
      else covered.push(candidate);
    }
    for (let index = 0; index < covered.length && count < limit >> 1; index += 1) list[offset + 1 + count++] = covered[index];
    list[offset] = count;
    return count;
  }

  /** Links a node that lost every layer-0 neighbour back into the graph, as an insertion would. */
  private reconnect(slot: number): void {
    if (this.levels[slot] < 0 || this.slots.size < 2) return;
    const offset = slot * this.dimension;
    const starts = [this.descend(this.vectors, offset, this.topLevel, 1)];
    if (starts[0] === slot) {
      for (let other = 0; other < this.highWater; other += 1) {
        if (other !== slot && this.levels[other] >= 0) {
          starts.push(other);
          break;
        }
      }
    }
    const found = this.searchLayer(this.vectors, offset, starts, this.efConstruction, 0, undefined);
    const candidates = new Int32Array(found.size);
    const scores = new Float64Array(found.size);
    for (let index = found.size - 1; index >= 0; index -= 1) {
      scores[index] = found.peekKey();
      candidates[index] = found.pop();
    }
    const selected = this.selectNeighbours(slot, candidates, scores, this.m);
    const list = this.links0;
    const listOffset = this.linkOffset(slot, 0);
    list[listOffset] = selected.length;
    for (let index = 0; index < selected.length; index += 1) list[listOffset + 1 + index] = selected[index];
    for (const neighbour of selected) if (!this.linksTo(neighbour, slot)) this.link(neighbour, slot, 0);
  }

  private linksTo(slot: number, target: number): boolean {
    const offset = this.linkOffset(slot, 0);
    for (let index = 1; index <= this.links0[offset]; index += 1) if (this.links0[offset + index] === target) return true;
    return false;
  }

  private release(slot: number): void {
    this.slots.delete(this.slotIds[slot] as string);
    this.slotIds[slot] = undefined;
    this.levels[slot] = -1;
    this.upper[slot] = null;
    this.links0[slot * (this.m0 + 1)] = 0;
    this.freeSlots.push(slot);
  }

  private chooseEntry(): void {
    this.entry = -1;
    this.topLevel = -1;
    for (let slot = 0; slot < this.highWater; slot += 1) {
      if (this.levels[slot] > this.topLevel) {
        this.topLevel = this.levels[slot];
        this.entry = slot;
      }
    }
  }

  private clear(): void {
    for (let slot = 0; slot < this.highWater; slot += 1) {
      this.levels[slot] = -1;
      this.upper[slot] = null;
      this.slotIds[slot] = undefined;
    }
    this.slots.clear();
    this.freeSlots.length = 0;
    this.highWater = 0;
    this.entry = -1;
    this.topLevel = -1;
  }

  // --- storage ---------------------------------------------------------------------------

  private allocate(id: string): number {
    let slot = this.freeSlots.pop();
    if (slot === undefined) {
      slot = this.highWater;
      this.ensureCapacity(slot + 1);
      this.highWater += 1;
    }
    this.slotIds[slot] = id;
    this.slots.set(id, slot);
    return slot;
  }

  private ensureCapacity(needed: number): void {
    if (needed <= this.capacity) return;
    const capacity = Math.max(needed, this.capacity * 2, 64);
    const vectors = new Float32Array(capacity * this.dimension);
    vectors.set(this.vectors);
    const levels = new Int32Array(capacity).fill(-1);
    levels.set(this.levels);
    const links0 = new Int32Array(capacity * (this.m0 + 1));
    links0.set(this.links0);
    this.vectors = vectors;
    this.levels = levels;
    this.links0 = links0;
    this.visited = new Uint32Array(capacity);
    this.visitTag = 0;
    this.capacity = capacity;
  }

  private nextVisitTag(): number {
    this.visitTag += 1;
    if (this.visitTag === 0xffffffff) {
      this.visited.fill(0);
      this.visitTag = 1;
    }
    return this.visitTag;
  }

  private randomLevel(): number {
    const level = Math.floor(-Math.log(1 - this.random.next()) * this.levelScale);
    return Math.min(level, MAX_LEVEL);
  }

  private maxLinks(layer: number): number {
    return layer === 0 ? this.m0 : this.m;
  }

  private linkList(slot: number, layer: number): Int32Array {
    return layer === 0 ? this.links0 : (this.upper[slot] as Int32Array);
  }

  private linkOffset(slot: number, layer: number): number {
    return layer === 0 ? slot * (this.m0 + 1) : (layer - 1) * (this.m + 1);
  }

  private similarityTo(query: Float32Array, queryOffset: number, slot: number): number {
    return dotAt(query, queryOffset, this.vectors, slot * this.dimension, this.dimension);
  }

  /** Ties rank by id, ascending. */
  private readonly worseSlot = (a: number, b: number): boolean => (this.slotIds[a] as string) > (this.slotIds[b] as string);

  private sameVector(slot: number, unit: Float32Array): boolean {
    const offset = slot * this.dimension;
    for (let index = 0; index < this.dimension; index += 1) if (this.vectors[offset + index] !== unit[index]) return false;
    return true;
  }
}
