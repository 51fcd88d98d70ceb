import type { ProviderDependencies } from './provider.js';
import { silentLogger } from './logger.js';

export * from './storage/testing.js';

/**
 * Dependencies for calling a provider spec's `create` in a test: an id, a silent logger, and
 * whatever else the test passes (storage, APIs).
 */
export function providerTestDependencies(providerId: string, overrides: Partial<ProviderDependencies> = {}): ProviderDependencies {
  return { providerId, logger: silentLogger, ...overrides } as ProviderDependencies;
}

/** A seeded pseudo-random generator (mulberry32) in [0, 1), so generated test data is the same on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
