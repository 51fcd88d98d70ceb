import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteAdapter, SqliteDialect } from 'kysely';

export const sqliteMemoryPath = ':memory:';

/** Expands a leading `~` to the home directory, as the reference run configs rely on. */
export function expandHomeDirectory(path: string): string {
  if (path === '~') return homedir();
  if (path.startsWith('~/')) return resolve(homedir(), path.slice(2));
  return path;
}

/** The absolute path a configured `db_path` names; relative paths resolve against `baseDir`. */
export function resolveSqlitePath(dbPath: string, baseDir: string = process.cwd()): string {
  if (dbPath === sqliteMemoryPath) return dbPath;
  const expanded = expandHomeDirectory(dbPath);
  return isAbsolute(expanded) ? expanded : resolve(baseDir, expanded);
}

/**
 * SQLite rolls DDL back like any other statement, but kysely's adapter says otherwise, which
 * would run migrations outside a transaction and leave a failed one half applied.
 */
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

class TransactionalDdlSqliteDialect extends SqliteDialect {
  override createAdapter(): SqliteAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}

/**
 * Opens (creating it and its directory if needed) a SQLite database as a kysely instance.
 * WAL lets readers proceed while a writer commits; `synchronous=NORMAL` is durable under WAL
 * except for the last transactions on power loss; the busy timeout covers other processes (or
 * other connections of this one) holding the write lock briefly.
 */
export function openSqliteDatabase(dbPath: string): Kysely<any> {
  const path = resolveSqlitePath(dbPath);
  if (path !== sqliteMemoryPath) mkdirSync(dirname(path), { recursive: true });
  const database = new Database(path);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('busy_timeout = 5000');
  database.pragma('foreign_keys = ON');
  return new Kysely<any>({ dialect: new TransactionalDdlSqliteDialect({ database }) });
}
