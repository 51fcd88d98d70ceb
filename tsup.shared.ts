import type { Options } from 'tsup';

/** Build settings shared by every publishable package: ESM with bundled declarations. */
export function packageBuild(entry: Record<string, string> | string[] = ['src/index.ts']): Options {
  return {
    entry,
    format: ['esm'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'node20',
    platform: 'node',
    splitting: false,
    treeshake: true,
    // Keep `node:` specifiers: bare `stream` can resolve to an npm package of that name.
    removeNodeProtocol: false,
  };
}
