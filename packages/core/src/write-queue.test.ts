import { describe, expect, it } from 'vitest';
import { createWriteQueue } from './write-queue.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('createWriteQueue', () => {
  it('writes in the background, in batches, and flushes everything on close', async () => {
    const written: number[][] = [];
    const queue = createWriteQueue<number>({
      maxSize: 100,
      writers: 2,
      batchSize: 10,
      write: async (batch) => {
        await sleep(5);
        written.push(batch);
      },
    });
    for (let index = 0; index < 35; index += 1) await queue.push(index);
    expect(written.flat()).toEqual([]);
    await queue.close();
    expect(written.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: 35 }, (_, index) => index));
    expect(Math.max(...written.map((batch) => batch.length))).toBeLessThanOrEqual(10);
    await expect(queue.push(99)).rejects.toThrowError(/closed/);
  });

  it('makes a producer wait for room when full, by default', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const written: number[] = [];
    const queue = createWriteQueue<number>({ maxSize: 2, writers: 1, batchSize: 1, write: async (batch) => { await gate; written.push(...batch); } });
    await queue.push(1);
    await sleep(1);
    await queue.push(2);
    await queue.push(3);
    let fourthQueued = false;
    const fourth = queue.push(4).then(() => (fourthQueued = true));
    await sleep(10);
    expect(fourthQueued).toBe(false);
    release();
    await fourth;
    await queue.close();
    expect(written).toEqual([1, 2, 3, 4]);
  });

  it('drops records when full with the drop policy, and counts them', async () => {
    const written: number[] = [];
    const queue = createWriteQueue<number>({ maxSize: 3, writers: 1, onFull: 'drop', write: async (batch) => void written.push(...batch) });
    for (let index = 0; index < 5; index += 1) await queue.push(index);
    expect(queue.dropped).toBe(2);
    await queue.close();
    expect(written).toEqual([0, 1, 2]);
  });

  it('keeps going after a failed batch', async () => {
    const written: number[] = [];
    const queue = createWriteQueue<number>({
      maxSize: 10,
      writers: 1,
      batchSize: 1,
      write: async ([value]) => {
        if (value === 1) throw new Error('disk full');
        written.push(value as number);
      },
    });
    for (const value of [0, 1, 2]) await queue.push(value);
    await queue.flush();
    expect(written).toEqual([0, 2]);
  });
});
