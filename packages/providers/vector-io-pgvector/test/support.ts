import { postgresTestConfig, uniqueTestSuffix } from '@stack/core/testing';
import pg from 'pg';
import { pgvectorBackendConfigSchema, type PgvectorBackendConfig } from '../src/config.js';

/** A backend config for the test server, with the given index settings. */
export function testBackendConfig(vectorIndex: Record<string, unknown> = { type: 'HNSW' }, extra: Record<string, unknown> = {}): PgvectorBackendConfig {
  const server = postgresTestConfig();
  return pgvectorBackendConfigSchema.parse({ ...server, vector_index: vectorIndex, pool_max_size: 4, ...extra });
}

/** A table prefix no other test process uses (at most 20 characters). */
export function testTablePrefix(label: string): string {
  return `t${label}_${uniqueTestSuffix().replace(/[^a-z0-9]/g, '')}`.slice(0, 20);
}

/** A plain client on the test server, for inspecting and cleaning up. */
export async function testClient(): Promise<pg.Client> {
  const server = postgresTestConfig();
  const client = new pg.Client({ host: server.host, port: server.port, database: server.db, user: server.user, password: server.password });
  client.on('error', () => {});
  await client.connect();
  return client;
}

/** Drops every table whose name starts with the prefix. */
export async function dropTablesWithPrefix(prefix: string): Promise<void> {
  const client = await testClient();
  try {
    const { rows } = await client.query<{ tablename: string }>(
      `SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND starts_with(tablename, $1::text)`,
      [`${prefix}_`],
    );
    for (const row of rows) await client.query(`DROP TABLE IF EXISTS "${row.tablename}"`);
  } finally {
    await client.end();
  }
}
