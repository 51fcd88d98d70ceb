export * from './types.js';
export { createKVStore, prefixUpperBound } from './kv-store.js';
export type { KVStoreOptions } from './kv-store.js';
export { kvTableMigrations, migrationTableNames, runMigrations } from './migrations.js';
export { createPostgresPool, openPostgresDatabase, postgresTlsOptions } from './postgres-connection.js';
export type { PostgresConnectionConfig } from './postgres-connection.js';
export { expandHomeDirectory, openSqliteDatabase, resolveSqlitePath, sqliteMemoryPath } from './sqlite-connection.js';
export { createStorageManager } from './storage-manager.js';
export type { StorageManagerOptions } from './storage-manager.js';
