import { describe, expect, it } from 'vitest';
import { MinHeap, TopK } from './heap.js';

describe('MinHeap', () => {
  it('pops keys in ascending order', () => {
    const heap = new MinHeap(2);
    const keys = [5, 1, 9, 3, 7, 3, 0, 8];
    keys.forEach((key, index) => heap.push(key, index));
    const popped: number[] = [];
    while (heap.size > 0) {
      popped.push(heap.peekKey());
      heap.pop();
    }
    expect(popped).toEqual([...keys].sort((a, b) => a - b));
  });
});

describe('TopK', () => {
  it('keeps the k highest scores, best first', () => {
    const top = new TopK(3);
    [0.1, 0.9, 0.5, 0.7, 0.2, 0.95].forEach((score, index) => top.offer(score, index));
    expect(top.drain()).toEqual([
      { value: 5, score: 0.95 },
      { value: 1, score: 0.9 },
      { value: 3, score: 0.7 },
    ]);
  });

  it('decides ties at the cut-off with the tie-breaker, whatever the order offered', () => {
    const names = ['d', 'b', 'a', 'c'];
    const worse = (a: number, b: number) => (names[a] as string) > (names[b] as string);
    for (const order of [
      [0, 1, 2, 3],
      [3, 2, 1, 0],
      [2, 0, 3, 1],
    ]) {
      const top = new TopK(2, worse);
      for (const value of order) top.offer(1, value);
      expect(top.drain().map(({ value }) => names[value])).toEqual(['a', 'b']);
    }
  });

  it('grows past its initial capacity', () => {
    const top = new TopK(5000);
    for (let index = 0; index < 3000; index += 1) top.offer(index, index);
    const drained = top.drain();
    expect(drained).toHaveLength(3000);
    expect(drained[0]).toEqual({ value: 2999, score: 2999 });
  });
});
