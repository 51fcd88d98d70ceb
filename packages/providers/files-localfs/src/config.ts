import { isAbsolute, resolve } from 'node:path';
import { expandHomeDirectory, sqlStoreReferenceSchema } from '@stack/core';
import { z } from 'zod';

/** Where file metadata goes unless `metadata_store` says otherwise. */
export const defaultLocalFsMetadataStore = { backend: 'sql_default', table_name: 'files_metadata' } as const;

/** One year, the reference default. */
export const DEFAULT_FILE_TTL_SECONDS = 365 * 24 * 60 * 60;

/**
 * The `config:` block of an `inline::localfs` files provider, keys as in the reference run
 * config. Values may arrive as strings or null after `${env.X:=…}` substitution.
 */
export const localFsFilesConfigSchema = z.object({
  /**
   * The directory holding the files (created if missing). `~` is the home directory; a relative
   * path resolves against the working directory. Parsed to an absolute path.
   */
  storage_dir: z
    .string()
    .trim()
    .min(1, 'storage_dir must name a directory')
    .transform((storageDir) => resolveStorageDir(storageDir)),
  /** The SQL store (backend and table) for file metadata. */
  metadata_store: sqlStoreReferenceSchema.nullish().transform((reference) => reference ?? { ...defaultLocalFsMetadataStore }),
  /**
   * Seconds until a file expires when its upload gives no `expires_after` (default one year);
   * `0` or null keeps such files until they are deleted.
   */
  ttl_secs: z.coerce
    .number()
    .int()
    .nonnegative()
    .nullish()
    .transform((seconds) => (seconds === undefined ? DEFAULT_FILE_TTL_SECONDS : seconds || null)),
});

export type LocalFsFilesConfig = z.output<typeof localFsFilesConfigSchema>;
export type LocalFsFilesConfigInput = z.input<typeof localFsFilesConfigSchema>;

/** The absolute storage directory: `~` expanded, relative paths against the working directory. */
export function resolveStorageDir(storageDir: string, baseDir: string = process.cwd()): string {
  const expanded = expandHomeDirectory(storageDir);
  return isAbsolute(expanded) ? expanded : resolve(baseDir, expanded);
}
