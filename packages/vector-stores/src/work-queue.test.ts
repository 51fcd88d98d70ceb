import { silentLogger } from '@stack/core';
import { describe, expect, it } from 'vitest';
import { WorkQueue } from './work-queue.js';

/** Jobs that wait until released (or aborted), recording what ran and how it ended. */
function gatedJobs() {
  const gates = new Map<string, () => void>();
  const log: string[] = [];
  let running = 0;
  let peak = 0;
  const run = async (name: string, signal: AbortSignal) => {
    running += 1;
    peak = Math.max(peak, running);
    log.push(`start ${name}`);
    try {
      await new Promise<void>((resolve, reject) => {
        gates.set(name, resolve);
        signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      });
      log.push(`end ${name}`);
    } catch {
      log.push(`abort ${name}`);
    } finally {
      running -= 1;
    }
  };
  const release = async (name: string) => {
    while (!gates.has(name)) await new Promise((resolve) => setImmediate(resolve));
    gates.get(name)?.();
  };
  return { run, release, log, peak: () => peak };
}

describe('WorkQueue', () => {
  it('runs at most `concurrency` jobs at once, in order, and reports idle', async () => {
    const jobs = gatedJobs();
    const queue = new WorkQueue<string>(2, jobs.run, silentLogger);
    for (const name of ['a', 'b', 'c', 'd']) queue.enqueue(name, name);
    queue.enqueue('a', 'a');
    let idle = false;
    const idlePromise = queue.idle().then(() => {
      idle = true;
    });
    await jobs.release('a');
    await jobs.release('b');
    await jobs.release('c');
    expect(idle).toBe(false);
    await jobs.release('d');
    await idlePromise;
    expect(jobs.peak()).toBe(2);
    expect(jobs.log.filter((line) => line.startsWith('start'))).toEqual(['start a', 'start b', 'start c', 'start d']);
  });

  it('drops aborted queued jobs and waits for aborted running ones to stop', async () => {
    const jobs = gatedJobs();
    const queue = new WorkQueue<string>(1, jobs.run, silentLogger);
    queue.enqueue('a', 'a');
    queue.enqueue('b', 'b');
    queue.enqueue('c', 'c');
    await queue.abortWhere((name) => name === 'b', 'cancelled');
    expect(queue.has('b')).toBe(false);
    await queue.abortWhere((name) => name === 'a', 'cancelled');
    expect(jobs.log).toContain('abort a');
    await jobs.release('c');
    await queue.idle();
    expect(jobs.log).toEqual(['start a', 'abort a', 'start c', 'end c']);
  });

  it('close aborts everything and refuses new jobs', async () => {
    const jobs = gatedJobs();
    const queue = new WorkQueue<string>(1, jobs.run, silentLogger);
    queue.enqueue('a', 'a');
    queue.enqueue('b', 'b');
    await new Promise((resolve) => setImmediate(resolve));
    await queue.close('shutdown');
    queue.enqueue('c', 'c');
    await queue.idle();
    expect(jobs.log).toEqual(['start a', 'abort a']);
  });
});
