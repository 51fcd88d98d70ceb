import type { Kysely, Migration } from 'kysely';
import { z } from 'zod';

/*
 * Storage as the reference run configuration describes it: named backends under
 * `storage.backends`, and stores that point at a backend with a `namespace` (key-value) or a
 * `table_name` (SQL).
 */

export const sqliteKVBackendConfigSchema = z.object({
  type: z.literal('kv_sqlite'),
  db_path: z.string().min(1),
});

export const sqliteSqlBackendConfigSchema = z.object({
  type: z.literal('sql_sqlite'),
  db_path: z.string().min(1),
});

const postgresConnectionShape = {
  host: z.string().default('localhost'),
  port: z.coerce.number().int().positive().default(5432),
  db: z.string().default('llamastack'),
  user: z.string().nullish(),
  password: z.string().nullish(),
  ssl_mode: z.string().nullish(),
  ca_cert_path: z.string().nullish(),
};

export const postgresKVBackendConfigSchema = z.object({
  type: z.literal('kv_postgres'),
  ...postgresConnectionShape,
  table_name: z.string().default('llamastack_kvstore'),
});

export const postgresSqlBackendConfigSchema = z.object({
  type: z.literal('sql_postgres'),
  ...postgresConnectionShape,
});

export const storageBackendConfigSchema = z.discriminatedUnion('type', [
  sqliteKVBackendConfigSchema,
  sqliteSqlBackendConfigSchema,
  postgresKVBackendConfigSchema,
  postgresSqlBackendConfigSchema,
]);

export type SqliteKVBackendConfig = z.output<typeof sqliteKVBackendConfigSchema>;
export type SqliteSqlBackendConfig = z.output<typeof sqliteSqlBackendConfigSchema>;
export type PostgresKVBackendConfig = z.output<typeof postgresKVBackendConfigSchema>;
export type PostgresSqlBackendConfig = z.output<typeof postgresSqlBackendConfigSchema>;
export type StorageBackendConfig = z.output<typeof storageBackendConfigSchema>;
export type StorageBackendType = StorageBackendConfig['type'];

/** `{backend: kv_default, namespace: registry}` */
export const kvStoreReferenceSchema = z.object({
  backend: z.string().min(1),
  namespace: z.string().min(1).nullish(),
});

/** `{backend: sql_default, table_name: inference_store, max_write_queue_size: 10000, num_writers: 4}` */
export const sqlStoreReferenceSchema = z.object({
  backend: z.string().min(1),
  table_name: z.string().min(1),
  max_write_queue_size: z.coerce.number().int().positive().nullish(),
  num_writers: z.coerce.number().int().positive().nullish(),
  /** What a full write queue does with one more record: `wait` (default) or `drop`. */
  on_queue_full: z.enum(['wait', 'drop']).nullish(),
});

export type KVStoreReference = z.output<typeof kvStoreReferenceSchema>;
export type SqlStoreReference = z.output<typeof sqlStoreReferenceSchema>;

export const storageConfigSchema = z.object({
  backends: z.record(z.string(), storageBackendConfigSchema).default({}),
  stores: z
    .object({
      metadata: kvStoreReferenceSchema.nullish(),
      inference: sqlStoreReferenceSchema.nullish(),
      conversations: sqlStoreReferenceSchema.nullish(),
      prompts: kvStoreReferenceSchema.nullish(),
      responses: sqlStoreReferenceSchema.nullish(),
    })
    .catchall(z.unknown())
    .default({}),
});

export type StorageConfig = z.output<typeof storageConfigSchema>;
export type StorageConfigInput = z.input<typeof storageConfigSchema>;

/** A string key-value store, scoped to one namespace. Values are strings (callers store JSON). */
export interface KVStore {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, options?: { expiresAt?: Date }): Promise<void>;
  delete(key: string): Promise<void>;
  /** Values whose keys lie in [startKey, endKey], ascending by key. */
  valuesInRange(startKey: string, endKey: string): Promise<string[]>;
  /** Keys in [startKey, endKey], ascending. */
  keysInRange(startKey: string, endKey: string): Promise<string[]>;
  /** Entries whose key starts with `prefix`, ascending by key. */
  entriesWithPrefix(prefix: string): Promise<Array<{ key: string; value: string }>>;
}

/**
 * A SQL store: one table name from the run config on a kysely connection shared by every store
 * of the same backend. Owners bring their own kysely migrations, tracked per owner.
 */
export interface SqlStore {
  readonly db: Kysely<any>;
  readonly dialect: 'sqlite' | 'postgres';
  /** The table this store was configured with (`table_name`). */
  readonly tableName: string;
  readonly reference: SqlStoreReference;
  /** Runs the owner's pending migrations, once even when called concurrently. */
  migrate(owner: string, migrations: Record<string, Migration>): Promise<void>;
}

/** What a provider config may hold: a reference to a named backend or a backend inline. */
export type KVStoreLocation = KVStoreReference | (StorageBackendConfig & { namespace?: string | null });
export type SqlStoreLocation = SqlStoreReference | (StorageBackendConfig & { table_name?: string | null });

export interface StorageManager {
  kv(location: KVStoreLocation): Promise<KVStore>;
  sql(location: SqlStoreLocation): Promise<SqlStore>;
  /** Closes every backend connection opened through this manager. */
  close(): Promise<void>;
}
