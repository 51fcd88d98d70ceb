import type { KVStoreReference } from '@stack/core';
import { vectorStoreConfigShape } from '@stack/vector-stores';
import { z } from 'zod';

/** Where an `inline::sqlite-vec` provider keeps its stores, files and batches unless `persistence` says otherwise. */
export const DEFAULT_SQLITE_VEC_PERSISTENCE: KVStoreReference = { backend: 'kv_default', namespace: 'vector_io::sqlite_vec' };

/**
 * The `config:` block of an `inline::sqlite-vec` provider, keys as in the reference run config:
 * `db_path` (the SQLite file holding the indexes; `~` expanded, relative paths against the working
 * directory, missing directories created, `:memory:` for a throw-away database) plus the keys
 * every vector-io provider accepts (`persistence`, `max_concurrent_files`, `embedding_batch_size`,
 * `rewrite_query_model`).
 */
export const sqliteVecConfigSchema = z.object({
  ...vectorStoreConfigShape,
  db_path: z.string().trim().min(1, 'db_path must name a SQLite file'),
  persistence: vectorStoreConfigShape.persistence.transform((value): KVStoreReference => value ?? DEFAULT_SQLITE_VEC_PERSISTENCE),
});

export type SqliteVecConfig = z.output<typeof sqliteVecConfigSchema>;
