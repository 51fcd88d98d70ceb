import type { Logger } from '@stack/core';

interface Job<T> {
  key: string;
  payload: T;
  controller: AbortController;
  /** Settles when the job has stopped (finished, failed or aborted); never rejects. */
  done: Promise<void>;
  resolveDone: () => void;
  running: boolean;
}

/**
 * A FIFO of keyed jobs run by at most `concurrency` workers. Each job gets an `AbortSignal`;
 * aborting a queued job drops it, aborting a running one signals it and waits until it stops.
 * A key is queued at most once at a time.
 */
export class WorkQueue<T> {
  private readonly pending: Array<Job<T>> = [];
  private readonly jobs = new Map<string, Job<T>>();
  private running = 0;
  private closed = false;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly concurrency: number,
    private readonly run: (payload: T, signal: AbortSignal) => Promise<void>,
    private readonly logger: Logger,
  ) {}

  /** Queues a job unless one with the same key is queued or running already. */
  enqueue(key: string, payload: T): void {
    if (this.closed || this.jobs.has(key)) return;
    let resolveDone!: () => void;
    const done = new Promise<void>((resolve) => {
      resolveDone = resolve;
    });
    const job: Job<T> = { key, payload, controller: new AbortController(), done, resolveDone, running: false };
    this.jobs.set(key, job);
    this.pending.push(job);
    this.pump();
  }

  has(key: string): boolean {
    return this.jobs.has(key);
  }

  /** Aborts the jobs whose payload matches and resolves once every one of them has stopped. */
  async abortWhere(matches: (payload: T, key: string) => boolean, reason: string): Promise<void> {
    const stopping: Array<Promise<void>> = [];
    for (const job of [...this.jobs.values()]) {
      if (!matches(job.payload, job.key)) continue;
      job.controller.abort(new Error(reason));
      if (job.running) {
        stopping.push(job.done);
      } else {
        const position = this.pending.indexOf(job);
        if (position >= 0) this.pending.splice(position, 1);
        this.finish(job);
      }
    }
    await Promise.all(stopping);
    this.notifyIdle();
  }

  /** Resolves when nothing is queued or running. */
  idle(): Promise<void> {
    if (this.pending.length === 0 && this.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Refuses new jobs, drops queued ones, aborts running ones and waits until they stop. */
  async close(reason: string): Promise<void> {
    this.closed = true;
    await this.abortWhere(() => true, reason);
  }

  private pump(): void {
    while (!this.closed && this.running < this.concurrency && this.pending.length > 0) {
      const job = this.pending.shift() as Job<T>;
      job.running = true;
      this.running += 1;
      void this.execute(job);
    }
  }

  private async execute(job: Job<T>): Promise<void> {
    try {
      await this.run(job.payload, job.controller.signal);
    } catch (error) {
      this.logger.error('A vector store ingestion job failed unexpectedly.', { job: job.key, error: (error as Error).message });
    } finally {
      this.running -= 1;
      this.finish(job);
      this.pump();
      this.notifyIdle();
    }
  }

  private finish(job: Job<T>): void {
    if (this.jobs.get(job.key) === job) this.jobs.delete(job.key);
    job.resolveDone();
  }

  private notifyIdle(): void {
    if (this.pending.length > 0 || this.running > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
