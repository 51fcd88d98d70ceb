import { afterEach, beforeEach, describe, it } from 'vitest';
import { filesConformanceChecks, removeAllFiles, type ConformanceFilesProvider, type FilesCheckEnvironment } from './files-checks.js';
import { createTestClock } from './test-clock.js';

/** What the suite hands to `create`. */
export interface FilesConformanceContext {
  /** "Now" in epoch milliseconds. The provider must take every timestamp from it. */
  clock: () => number;
}

export interface FilesConformanceOptions {
  /** Names the suite in test reports, e.g. `inline::localfs (SQLite)`. */
  name: string;
  /**
   * Creates a provider. Called before every check and again by the persistence check; every
   * provider of one suite must use the same storage (directory, bucket, metadata table).
   */
  create(context: FilesConformanceContext): Promise<ConformanceFilesProvider>;
  /**
   * Names of everything the provider keeps outside its metadata: files in its directory
   * (temporary ones included), objects in its bucket. When given, the suite checks that failed,
   * deleted and expired uploads leave nothing behind.
   */
  storedObjects?(): Promise<string[]>;
}

/**
 * Registers the tests every files provider must pass: uploads with fields given or following
 * the stream, metadata, byte-exact content, listing order and paging, deletion, expiry, failed
 * uploads that store nothing, and persistence across instances. One clock, moved by hand, runs
 * through the whole suite. Call it at the top level of a provider's test file.
 */
export function describeFilesProviderConformance(options: FilesConformanceOptions): void {
  describe(`${options.name} conforms to the files API`, () => {
    const clock = createTestClock();
    let current: ConformanceFilesProvider | undefined;

    const closeCurrent = async () => {
      const provider = current;
      current = undefined;
      await provider?.close?.();
    };

    const env: FilesCheckEnvironment = {
      get provider(): ConformanceFilesProvider {
        if (!current) throw new Error(`The ${options.name} provider was not created.`);
        return current;
      },
      clock,
      async reopen() {
        await closeCurrent();
        current = await options.create({ clock: clock.now });
        return current;
      },
      storedObjects: options.storedObjects?.bind(options),
    };

    beforeEach(async () => {
      current = await options.create({ clock: clock.now });
      await removeAllFiles(current);
    });

    afterEach(closeCurrent);

    for (const check of filesConformanceChecks) it(check.name, () => check.run(env));
  });
}
