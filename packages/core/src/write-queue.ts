import type { Logger } from './logger.js';
import { silentLogger } from './logger.js';

/** What a full queue does with one more item: wait for room, or drop the item (logged). */
export type QueueFullPolicy = 'wait' | 'drop';

export interface WriteQueueOptions<T> {
  /** Items held at most (the reference's `max_write_queue_size`). */
  maxSize: number;
  /** Batches written at once (the reference's `num_writers`). */
  writers: number;
  /** Largest batch handed to one `write` call. */
  batchSize?: number;
  onFull?: QueueFullPolicy;
  /** Writes a batch; a failure is logged and the batch is not retried. */
  write(batch: T[]): Promise<void>;
  logger?: Logger;
  /** Names the queue in log lines. */
  name?: string;
}

export interface WriteQueue<T> {
  /** Queues an item; resolves once it is queued (at once unless the queue is full and waits). */
  push(item: T): Promise<void>;
  /** Resolves when everything pushed so far has been written. */
  flush(): Promise<void>;
  /** Writes what is queued, then refuses new items. Idempotent. */
  close(): Promise<void>;
  readonly size: number;
  readonly dropped: number;
}

/**
 * A bounded queue written in the background by a fixed number of writers, so a request can hand
 * off a record without waiting for the database. Nothing queued is lost on `close()`.
 */
export function createWriteQueue<T>(options: WriteQueueOptions<T>): WriteQueue<T> {
  const logger = options.logger ?? silentLogger;
  const batchSize = options.batchSize ?? 100;
  const items: T[] = [];
  const waitingForRoom: Array<() => void> = [];
  const idleWaiters: Array<() => void> = [];
  let activeWriters = 0;
  let closed = false;
  let dropped = 0;

  const startWriters = () => {
    while (activeWriters < options.writers && items.length > 0) {
      activeWriters += 1;
      void runWriter();
    }
  };

  const runWriter = async () => {
    while (items.length > 0) {
      const batch = items.splice(0, batchSize);
      for (let freed = batch.length; freed > 0 && waitingForRoom.length > 0; freed -= 1) waitingForRoom.shift()?.();
      try {
        await options.write(batch);
      } catch (error) {
        logger.error(`Writing ${batch.length} record(s) of ${options.name ?? 'a write queue'} failed; they are lost.`, {
          error: (error as Error).message,
        });
      }
    }
    activeWriters -= 1;
    if (activeWriters === 0 && items.length === 0) for (const resolve of idleWaiters.splice(0)) resolve();
  };

  const queue: WriteQueue<T> = {
    async push(item: T) {
      if (closed) throw new Error(`${options.name ?? 'The write queue'} is closed.`);
      while (items.length >= options.maxSize) {
        if ((options.onFull ?? 'wait') === 'drop') {
          dropped += 1;
          if (dropped === 1 || dropped % 1000 === 0) logger.warn(`${options.name ?? 'A write queue'} is full; ${dropped} record(s) dropped so far.`);
          return;
        }
        await new Promise<void>((resolve) => waitingForRoom.push(resolve));
      }
      items.push(item);
      // Writers start on a later tick, so records pushed in the same tick share a batch.
      if (activeWriters < options.writers) setImmediate(startWriters);
    },
    flush() {
      if (activeWriters === 0 && items.length === 0) return Promise.resolve();
      startWriters();
      return new Promise<void>((resolve) => idleWaiters.push(resolve));
    },
    async close() {
      closed = true;
      await queue.flush();
    },
    get size() {
      return items.length;
    },
    get dropped() {
      return dropped;
    },
  };
  return queue;
}
