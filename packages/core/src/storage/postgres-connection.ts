import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { Kysely, PostgresDialect, PostgresIntrospector } from 'kysely';
import type { DatabaseIntrospector, DatabaseMetadataOptions, TableMetadata } from 'kysely';
import pg from 'pg';
import { InvalidRequestError } from '../errors.js';
import { expandHomeDirectory } from './sqlite-connection.js';

/** The connection settings shared by `kv_postgres` and `sql_postgres` backends. */
export interface PostgresConnectionConfig {
  host: string;
  port: number;
  db: string;
  user?: string | null;
  password?: string | null;
  ssl_mode?: string | null;
  ca_cert_path?: string | null;
}

/** Enough for a server process with a handful of stores; Postgres' default limit is 100. */
const poolSize = 10;

/**
 * Maps a libpq `sslmode` onto node-postgres TLS options. node-postgres cannot fall back from TLS
 * to plain text, so `allow` and `prefer` connect without TLS, as libpq does against a server
 * that offers none. `require` encrypts without verifying, unless a CA is given, in which case
 * libpq verifies the chain (like `verify-ca`).
 */
export function postgresTlsOptions(config: Pick<PostgresConnectionConfig, 'ssl_mode' | 'ca_cert_path'>): false | ConnectionOptions {
  const mode = config.ssl_mode?.toLowerCase() ?? 'disable';
  const ca = config.ca_cert_path ? readFileSync(expandHomeDirectory(config.ca_cert_path), 'utf8') : undefined;
  switch (mode) {
    case 'disable':
    case 'allow':
    case 'prefer':
      return false;
    case 'require':
      return ca ? { ca, rejectUnauthorized: true, checkServerIdentity: () => undefined } : { rejectUnauthorized: false };
    case 'verify-ca':
      return { ca, rejectUnauthorized: true, checkServerIdentity: () => undefined };
    case 'verify-full':
      return { ca, rejectUnauthorized: true };
    default:
      throw new InvalidRequestError(
        `Unknown Postgres ssl_mode '${config.ssl_mode}'. Use one of: disable, allow, prefer, require, verify-ca, verify-full.`,
      );
  }
}

export function createPostgresPool(config: PostgresConnectionConfig): pg.Pool {
  const pool = new pg.Pool({
    host: config.host,
    port: config.port,
    database: config.db,
    user: config.user ?? undefined,
    password: config.password ?? undefined,
    ssl: postgresTlsOptions(config),
    max: poolSize,
  });
  // An idle client losing its connection (a server restart) is reported here; the pool drops
  // that client and the next query opens a new one. Unhandled, it would crash the process.
  pool.on('error', () => {});
  return pool;
}

const undefinedTable = '42P01';
const introspectionAttempts = 5;

/**
 * kysely's introspection (which its Migrator uses to find its tables) looks every table up by
 * name, so a table that another process drops meanwhile fails the whole query. Such a failure
 * is transient: the next attempt reads a catalog without that table.
 */
class ConcurrencySafePostgresIntrospector extends PostgresIntrospector {
  override async getTables(options?: DatabaseMetadataOptions): Promise<TableMetadata[]> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await super.getTables(options);
      } catch (error) {
        if (attempt >= introspectionAttempts || (error as { code?: unknown }).code !== undefinedTable) throw error;
      }
    }
  }
}

class StackPostgresDialect extends PostgresDialect {
  override createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new ConcurrencySafePostgresIntrospector(db);
  }
}

/** A kysely instance on a pool; nothing connects until the first query. */
export function openPostgresDatabase(config: PostgresConnectionConfig): Kysely<any> {
  return new Kysely<any>({ dialect: new StackPostgresDialect({ pool: createPostgresPool(config) }) });
}
