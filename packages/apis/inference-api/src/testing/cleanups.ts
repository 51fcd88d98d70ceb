import { afterEach } from 'vitest';

/**
 * A list of clean-ups (servers, providers) that runs, last first, after each test. Push onto it
 * as resources are started.
 */
export function cleanupAfterEach(): Array<() => Promise<unknown> | unknown> {
  const cleanups: Array<() => Promise<unknown> | unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  return cleanups;
}
