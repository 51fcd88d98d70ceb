/**
 * A binary min-heap of (key, value) pairs over typed arrays: no allocation per element. A
 * max-heap is this heap with negated keys.
 */
export class MinHeap {
  keys: Float64Array;
  values: Int32Array;
  size = 0;

  constructor(capacity = 16) {
    this.keys = new Float64Array(Math.max(capacity, 4));
    this.values = new Int32Array(Math.max(capacity, 4));
  }

  /** The smallest key (undefined behaviour when empty; check `size`). */
  peekKey(): number {
    return this.keys[0];
  }

  peekValue(): number {
    return this.values[0];
  }

  push(key: number, value: number): void {
    if (this.size === this.keys.length) this.grow();
    let index = this.size;
    this.size += 1;
    const keys = this.keys;
    const values = this.values;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (keys[parent] <= key) break;
      keys[index] = keys[parent];
      values[index] = values[parent];
      index = parent;
    }
    keys[index] = key;
    values[index] = value;
  }

  /** Removes the smallest entry and returns its value. */
  pop(): number {
    const top = this.values[0];
    this.size -= 1;
    if (this.size > 0) this.siftDown(this.keys[this.size], this.values[this.size]);
    return top;
  }

  /** Replaces the smallest entry with (key, value): a pop and a push in one pass. */
  replaceTop(key: number, value: number): void {
    this.siftDown(key, value);
  }

  private siftDown(key: number, value: number): void {
    const keys = this.keys;
    const values = this.values;
    const size = this.size;
    let index = 0;
    for (;;) {
      let child = 2 * index + 1;
      if (child >= size) break;
      if (child + 1 < size && keys[child + 1] < keys[child]) child += 1;
      if (keys[child] >= key) break;
      keys[index] = keys[child];
      values[index] = values[child];
      index = child;
    }
    keys[index] = key;
    values[index] = value;
  }

  private grow(): void {
    const keys = new Float64Array(this.keys.length * 2);
    keys.set(this.keys);
    const values = new Int32Array(this.values.length * 2);
    values.set(this.values);
    this.keys = keys;
    this.values = values;
  }
}

/**
 * Keeps the `k` highest-scoring (score, value) pairs seen; `offer` is O(log k). Equal scores are
 * decided by `worse(a, b)` (true when value `a` ranks below value `b`), so which of several tied
 * pairs survive at the cut-off does not depend on the order they were offered in. `drain`
 * returns the pairs best first.
 */
export class TopK {
  private keys: Float64Array;
  private values: Int32Array;
  private count = 0;

  constructor(
    readonly k: number,
    private readonly worse: (a: number, b: number) => boolean = () => false,
  ) {
    const capacity = Math.max(Math.min(k, 1024), 1);
    this.keys = new Float64Array(capacity);
    this.values = new Int32Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  offer(score: number, value: number): void {
    if (this.k <= 0) return;
    if (this.count < this.k) {
      if (this.count === this.keys.length) this.grow();
      this.siftUp(this.count, score, value);
      this.count += 1;
      return;
    }
    const worstScore = this.keys[0];
    if (score > worstScore || (score === worstScore && this.worse(this.values[0], value))) this.siftDown(score, value);
  }

  /** The pairs kept, highest score first; the collector is empty afterwards. */
  drain(): Array<{ value: number; score: number }> {
    const result = new Array<{ value: number; score: number }>(this.count);
    for (let index = this.count - 1; index >= 0; index -= 1) {
      result[index] = { value: this.values[0], score: this.keys[0] };
      this.count -= 1;
      if (this.count > 0) this.siftDown(this.keys[this.count], this.values[this.count]);
    }
    return result;
  }

  private grow(): void {
    const keys = new Float64Array(this.keys.length * 2);
    keys.set(this.keys);
    const values = new Int32Array(this.values.length * 2);
    values.set(this.values);
    this.keys = keys;
    this.values = values;
  }

  /** Whether (aKey, aValue) ranks below (bKey, bValue): lower score, or equal score and worse. */
  private below(aKey: number, aValue: number, bKey: number, bValue: number): boolean {
    return aKey < bKey || (aKey === bKey && this.worse(aValue, bValue));
  }

  private siftUp(start: number, key: number, value: number): void {
    const keys = this.keys;
    const values = this.values;
    let index = start;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!this.below(key, value, keys[parent], values[parent])) break;
      keys[index] = keys[parent];
      values[index] = values[parent];
      index = parent;
    }
    keys[index] = key;
    values[index] = value;
  }

  private siftDown(key: number, value: number): void {
    const keys = this.keys;
    const values = this.values;
    const size = this.count;
    let index = 0;
    for (;;) {
      let child = 2 * index + 1;
      if (child >= size) break;
      if (child + 1 < size && this.below(keys[child + 1], values[child + 1], keys[child], values[child])) child += 1;
      if (!this.below(keys[child], values[child], key, value)) break;
      keys[index] = keys[child];
      values[index] = values[child];
      index = child;
    }
    keys[index] = key;
    values[index] = value;
  }
}
