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
