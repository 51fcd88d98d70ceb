/** Helpers for consuming a provider's streamed answers without letting a faulty one hang a test. */

import { isAsyncIterable } from '@stack/core';

export { isAsyncIterable };

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

/** How an iteration ended: by running out (`done`) or by throwing. */
export type IterationEnd = { how: 'done'; remaining: number } | { how: 'threw'; remaining: number; error: unknown };

/** Reads an iterator to its end, counting what it still yielded. */
export async function drain(iterator: AsyncIterator<unknown>): Promise<IterationEnd> {
  let remaining = 0;
  try {
    while (!(await iterator.next()).done) remaining++;
    return { how: 'done', remaining };
  } catch (error) {
    return { how: 'threw', remaining, error };
  }
}

/** Rejects with `message` when `promise` has not settled within `ms`. */
export async function withDeadline<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * What `run` failed with, reading a streamed answer to its end: a stream may report an error
 * when it is called or only once it is read. Undefined when nothing failed.
 */
export async function failureOf(run: () => Promise<unknown>): Promise<unknown> {
  try {
    const result = await run();
    if (isAsyncIterable(result)) await collect(result);
  } catch (error) {
    return error;
  }
  return undefined;
}
