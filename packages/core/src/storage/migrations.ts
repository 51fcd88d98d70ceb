import { createHash } from 'node:crypto';
import { Migrator, sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';

/** Postgres truncates identifiers beyond 63 bytes, which would merge distinct owners' tables. */
const maximumIdentifierLength = 63;

/**
 * The per-owner bookkeeping tables. The owner is reduced to `[a-z0-9_]`; when that changes it or
 * the name would be too long, a hash of the original keeps distinct owners apart.
 */
export function migrationTableNames(owner: string): { migrationTableName: string; migrationLockTableName: string } {
  const sanitised = owner.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  const lockPrefix = 'stack_migration_locks_';
  let suffix = sanitised;
  if (sanitised !== owner || lockPrefix.length + sanitised.length > maximumIdentifierLength) {
    const hash = createHash('sha256').update(owner).digest('hex').slice(0, 8);
    suffix = `${sanitised.slice(0, maximumIdentifierLength - lockPrefix.length - hash.length - 1)}_${hash}`;
  }
  return { migrationTableName: `stack_migrations_${suffix}`, migrationLockTableName: `${lockPrefix}${suffix}` };
}

/** Migrations in flight, per connection and owner, so concurrent callers share one run. */
const inFlight = new WeakMap<Kysely<any>, Map<string, Promise<void>>>();

/**
 * Applies the owner's pending migrations (ordered by name) and records them in the owner's own
 * table, so owners sharing a database never see each other's history. Safe to call repeatedly.
 */
export function runMigrations(db: Kysely<any>, owner: string, migrations: Record<string, Migration>): Promise<void> {
  let running = inFlight.get(db);
  if (!running) {
    running = new Map();
    inFlight.set(db, running);
  }
  // A caller with a different migration set must not be satisfied by another caller's run.
  const key = `${owner}\0${Object.keys(migrations).sort().join('\0')}`;
  const existing = running.get(key);
  if (existing) return existing;
  const run = migrate(db, owner, migrations).finally(() => running.delete(key));
  running.set(key, run);
  return run;
}

async function migrate(db: Kysely<any>, owner: string, migrations: Record<string, Migration>): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    ...migrationTableNames(owner),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName;
    const what = failed ? `Migration '${failed}' of '${owner}'` : `Migrating '${owner}'`;
    throw new Error(`${what} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

/**
 * The key-value table: `key` compares bytewise on both dialects (`COLLATE "C"` on Postgres,
 * SQLite's default binary collation), so ranges and ordering agree; `expires_at` holds epoch
 * milliseconds.
 */
export function kvTableMigrations(tableName: string, dialect: 'sqlite' | 'postgres'): Record<string, Migration> {
  return {
    '0001_create_kv_table': {
      async up(db) {
        await db.schema
          .createTable(tableName)
          // A table left by an earlier run without migration tracking is adopted as is.
          .ifNotExists()
          .addColumn('key', dialect === 'postgres' ? sql`text collate "C"` : 'text', (column) => column.primaryKey())
          .addColumn('value', 'text', (column) => column.notNull())
          .addColumn('expires_at', dialect === 'postgres' ? 'bigint' : 'integer')
          .execute();
      },
    },
  };
}
