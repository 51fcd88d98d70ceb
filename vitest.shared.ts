import { defineConfig } from 'vitest/config';

/** Test settings shared by every package; each package's vitest.config.ts re-exports this. */
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
