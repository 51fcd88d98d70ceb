import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStorageManager, migrationTableNames, storageConfigSchema } from '@stack/core';
import { postgresTestConfig, postgresTestsEnabled, uniqueTestSuffix } from '@stack/core/testing';
import { describeFilesProviderConformance } from '@stack/files-api/testing';
import { afterAll } from 'vitest';
import { localFsFilesConfigSchema } from './config.js';
import { createLocalFsFiles } from './localfs-files.js';

const root = await mkdtemp(join(tmpdir(), 'stack-files-localfs-'));

const sqliteDir = join(root, 'sqlite-files');
const sqliteStorage = createStorageManager(
  storageConfigSchema.parse({ backends: { sql_default: { type: 'sql_sqlite', db_path: join(root, 'metadata.db') } } }),
);

describeFilesProviderConformance({
  name: 'inline::localfs with SQLite metadata',
  create: ({ clock }) => createLocalFsFiles(localFsFilesConfigSchema.parse({ storage_dir: sqliteDir }), { storage: sqliteStorage, clock }),
  storedObjects: () => readdir(sqliteDir),
});

const postgresEnabled = await postgresTestsEnabled('files-localfs conformance on PostgreSQL');
const postgresTable = `files_metadata_${uniqueTestSuffix()}`;
const postgresDir = join(root, 'postgres-files');
const postgresStorage = createStorageManager(
  storageConfigSchema.parse({ backends: { files_pg: { type: 'sql_postgres', ...postgresTestConfig() } } }),
);

if (postgresEnabled) {
  describeFilesProviderConformance({
    name: 'inline::localfs with PostgreSQL metadata',
    create: ({ clock }) =>
      createLocalFsFiles(
        localFsFilesConfigSchema.parse({ storage_dir: postgresDir, metadata_store: { backend: 'files_pg', table_name: postgresTable } }),
        { storage: postgresStorage, clock },
      ),
    storedObjects: () => readdir(postgresDir),
  });
}

afterAll(async () => {
  try {
    if (postgresEnabled) {
      const { db } = await postgresStorage.sql({ backend: 'files_pg', table_name: postgresTable });
      const { migrationTableName, migrationLockTableName } = migrationTableNames(`files-localfs:${postgresTable}`);
      for (const table of [postgresTable, migrationTableName, migrationLockTableName]) await db.schema.dropTable(table).ifExists().execute();
    }
  } finally {
    await Promise.all([sqliteStorage.close(), postgresStorage.close()]);
    await rm(root, { recursive: true, force: true });
  }
});
