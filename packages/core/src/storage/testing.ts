import pg from 'pg';
import type { PostgresConnectionConfig } from './postgres-connection.js';

/*
 * Helpers for tests that need a real Postgres. Free of vitest so any package's tests can use them.
 */

export interface PostgresTestConfig {
  host: string;
  port: number;
  db: string;
  user: string | undefined;
  password: string | undefined;
}

const defaultTestUrl = 'postgres://postgres@127.0.0.1:5432/test';

/** The server named by `STACK_TEST_POSTGRES_URL` (default: local trust-auth `test` database). */
export function postgresTestConfig(): PostgresTestConfig {
  const url = new URL(process.env.STACK_TEST_POSTGRES_URL || defaultTestUrl);
  return {
    host: decodeURIComponent(url.hostname),
    port: url.port ? Number(url.port) : 5432,
    db: decodeURIComponent(url.pathname.replace(/^\//, '')) || 'postgres',
    user: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
  };
}

export async function isPostgresReachable(config: PostgresConnectionConfig = postgresTestConfig()): Promise<boolean> {
  const client = new pg.Client({
    host: config.host,
    port: config.port,
    database: config.db,
    user: config.user ?? undefined,
    password: config.password ?? undefined,
    connectionTimeoutMillis: 2000,
  });
  // A socket error after connecting must not crash the test process.
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Whether Postgres tests should run, for `describe.skipIf(!enabled)`. Locally an unreachable
 * server skips them with a message; under CI they always run, so a missing server fails the
 * build instead of passing it silently.
 */
export async function postgresTestsEnabled(suite: string): Promise<boolean> {
  if (await isPostgresReachable()) return true;
  const { host, port, db } = postgresTestConfig();
  if (process.env.CI) {
    console.error(`${suite}: Postgres at ${host}:${port}/${db} is unreachable and CI is set; the Postgres tests will fail.`);
    return true;
  }
  console.warn(
    `${suite}: skipping Postgres tests, ${host}:${port}/${db} is unreachable. Set STACK_TEST_POSTGRES_URL to run them.`,
  );
  return false;
}

/** A suffix that keeps this process's tables apart from other test processes on the same database. */
export function uniqueTestSuffix(): string {
  return `${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
}
