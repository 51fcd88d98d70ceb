import type { Kysely } from 'kysely';
import { z } from 'zod';
import { InvalidRequestError } from '../errors.js';
import { createKVStore } from './kv-store.js';
import { kvTableMigrations, runMigrations } from './migrations.js';
import { openPostgresDatabase } from './postgres-connection.js';
import { openSqliteDatabase, resolveSqlitePath } from './sqlite-connection.js';
import { kvStoreReferenceSchema, sqlStoreReferenceSchema, storageBackendConfigSchema } from './types.js';
import type {
  KVStore,
  KVStoreLocation,
  SqlStore,
  SqlStoreLocation,
  SqlStoreReference,
  StorageBackendConfig,
  StorageConfig,
  StorageManager,
} from './types.js';

export interface StorageManagerOptions {
  /** The directory relative SQLite `db_path`s resolve against; defaults to the working directory. */
  baseDir?: string;
}

type StoreKind = 'kv' | 'sql';

interface Connection {
  db: Kysely<any>;
  dialect: 'sqlite' | 'postgres';
}

/** The table every SQLite key-value backend uses; Postgres backends configure `table_name`. */
const sqliteKVTableName = 'kvstore';

const kindOf = (backend: StorageBackendConfig): StoreKind => (backend.type.startsWith('kv_') ? 'kv' : 'sql');

const describeKind = (kind: StoreKind) => (kind === 'kv' ? 'key-value' : 'SQL');

const backendTypesFor = (kind: StoreKind) => (kind === 'kv' ? 'kv_sqlite or kv_postgres' : 'sql_sqlite or sql_postgres');

/**
 * Opens the backends of a run configuration on demand. Stores on the same database share one
 * kysely instance (one SQLite handle, one Postgres pool), whether they name a backend or carry
 * the same settings inline.
 */
export function createStorageManager(config: StorageConfig, options: StorageManagerOptions = {}): StorageManager {
  const baseDir = options.baseDir ?? process.cwd();
  const connections = new Map<string, Connection>();
  const kvTables = new Map<string, Promise<void>>();
  let closed = false;

  const connectionKey = (backend: StorageBackendConfig): string =>
    backend.type === 'kv_sqlite' || backend.type === 'sql_sqlite'
      ? `sqlite\0${resolveSqlitePath(backend.db_path, baseDir)}`
      : ['postgres', backend.host, backend.port, backend.db, backend.user, backend.password, backend.ssl_mode, backend.ca_cert_path].join('\0');

  const connect = (backend: StorageBackendConfig): { connection: Connection; key: string } => {
    if (closed) throw new Error('The storage manager is closed.');
    const key = connectionKey(backend);
    let connection = connections.get(key);
    if (!connection) {
      connection =
        backend.type === 'kv_sqlite' || backend.type === 'sql_sqlite'
          ? { db: openSqliteDatabase(resolveSqlitePath(backend.db_path, baseDir)), dialect: 'sqlite' }
          : { db: openPostgresDatabase(backend), dialect: 'postgres' };
      connections.set(key, connection);
    }
    return { connection, key };
  };

  const namedBackend = (name: string, kind: StoreKind): StorageBackendConfig => {
    const backend = config.backends[name];
    if (!backend) {
      const known = Object.keys(config.backends);
      throw new InvalidRequestError(
        `Unknown storage backend '${name}'. ${known.length > 0 ? `Known backends: ${known.join(', ')}.` : 'No storage backends are configured.'}`,
      );
    }
    if (kindOf(backend) !== kind) {
      throw new InvalidRequestError(
        `Storage backend '${name}' is of type ${backend.type} and cannot hold a ${describeKind(kind)} store; use a ${backendTypesFor(kind)} backend.`,
      );
    }
    return backend;
  };

  const inlineBackend = (location: unknown, kind: StoreKind): StorageBackendConfig => {
    const parsed = storageBackendConfigSchema.safeParse(location);
    if (!parsed.success) {
      throw new InvalidRequestError(`Invalid inline storage backend: ${z.prettifyError(parsed.error)}`, { cause: parsed.error });
    }
    if (kindOf(parsed.data) !== kind) {
      throw new InvalidRequestError(
        `An inline ${parsed.data.type} backend cannot hold a ${describeKind(kind)} store; use ${backendTypesFor(kind)}.`,
      );
    }
    return parsed.data;
  };

  const parseReference = <T>(schema: z.ZodType<T>, location: unknown, kind: StoreKind): T => {
    const parsed = schema.safeParse(location);
    if (!parsed.success) {
      throw new InvalidRequestError(`Invalid ${describeKind(kind)} store reference: ${z.prettifyError(parsed.error)}`, {
        cause: parsed.error,
      });
    }
    return parsed.data;
  };

  const isInline = (location: object): boolean => 'type' in location && location.type !== undefined;

  const ensureKVTable = (connection: Connection, key: string, tableName: string): Promise<void> => {
    const tableKey = `${key}\0${tableName}`;
    let ready = kvTables.get(tableKey);
    if (!ready) {
      ready = runMigrations(connection.db, `kv_${tableName}`, kvTableMigrations(tableName, connection.dialect));
      // A failure (say, the database was down) must not stick: the next caller retries.
      ready.catch(() => kvTables.delete(tableKey));
      kvTables.set(tableKey, ready);
    }
    return ready;
  };

  return {
    async kv(location: KVStoreLocation): Promise<KVStore> {
      let backend: StorageBackendConfig;
      let namespace: string | null | undefined;
      if (isInline(location)) {
        backend = inlineBackend(location, 'kv');
        namespace = (location as { namespace?: string | null }).namespace;
      } else {
        const reference = parseReference(kvStoreReferenceSchema, location, 'kv');
        backend = namedBackend(reference.backend, 'kv');
        namespace = reference.namespace;
      }
      const tableName = backend.type === 'kv_postgres' ? backend.table_name : sqliteKVTableName;
      const { connection, key } = connect(backend);
      await ensureKVTable(connection, key, tableName);
      return createKVStore(connection.db, { tableName, namespace });
    },

    async sql(location: SqlStoreLocation): Promise<SqlStore> {
      let backend: StorageBackendConfig;
      let reference: SqlStoreReference;
      if (isInline(location)) {
        backend = inlineBackend(location, 'sql');
        const tableName = (location as { table_name?: string | null }).table_name;
        if (!tableName) throw new InvalidRequestError(`An inline ${backend.type} store needs a table_name.`);
        reference = { backend: `inline ${backend.type}`, table_name: tableName };
      } else {
        reference = parseReference(sqlStoreReferenceSchema, location, 'sql');
        backend = namedBackend(reference.backend, 'sql');
      }
      const { connection } = connect(backend);
      const { db, dialect } = connection;
      return {
        db,
        dialect,
        tableName: reference.table_name,
        reference,
        migrate: (owner, migrations) => runMigrations(db, owner, migrations),
      };
    },

    async close(): Promise<void> {
      closed = true;
      const opened = [...connections.values()];
      connections.clear();
      kvTables.clear();
      await Promise.all(opened.map((connection) => connection.db.destroy()));
    },
  };
}
