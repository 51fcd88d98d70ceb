import { createStorageManager, migrationTableNames, type StorageManager } from '@stack/core';
import { postgresTestConfig, postgresTestsEnabled, uniqueTestSuffix } from '@stack/core/testing';
import { describeVectorIndexBackendConformance } from '@stack/vector-io-api/testing';
import { afterAll, describe } from 'vitest';
import { createFaissBackend } from '../src/index.js';

const enabled = await postgresTestsEnabled('@stack/vector-io-faiss on a Postgres key-value store');

describe.skipIf(!enabled)('inline::faiss on a Postgres key-value store', () => {
  const tableName = `faiss_kv_${uniqueTestSuffix()}`;
  const { host, port, db, user, password } = postgresTestConfig();
  const connection = { host, port, db, user, password };
  let storage: StorageManager | undefined;
  const kv = async () => {
    storage ??= createStorageManager({ backends: { kv_pg: { type: 'kv_postgres', ...connection, table_name: tableName } }, stores: {} });
    return storage.kv({ backend: 'kv_pg', namespace: 'vector_io::faiss' });
  };

  afterAll(async () => {
    if (!storage) return;
    const sqlStore = await storage.sql({ type: 'sql_postgres', ...connection, table_name: tableName });
    const { migrationTableName, migrationLockTableName } = migrationTableNames(`kv_${tableName}`);
    for (const table of [tableName, migrationTableName, migrationLockTableName]) await sqlStore.db.schema.dropTable(table).ifExists().execute();
    await storage.close();
  });

  describeVectorIndexBackendConformance({
    name: 'inline::faiss (hnsw, Postgres KV)',
    create: async () => createFaissBackend({ kv: await kv(), indexType: 'hnsw' }),
    async reopen(backend) {
      await backend.close();
      return createFaissBackend({ kv: await kv(), indexType: 'hnsw' });
    },
  });
});
