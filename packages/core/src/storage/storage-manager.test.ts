import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { Migration } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../errors.js';
import { createStorageManager } from './storage-manager.js';
import type { StorageManagerOptions } from './storage-manager.js';
import { isPostgresReachable, postgresTestConfig, postgresTestsEnabled, uniqueTestSuffix } from './testing.js';
import type { StorageConfig, StorageManager } from './types.js';

interface TestBackend {
  /** Holds a `kv_default` key-value backend and a `sql_default` SQL backend. */
  config: StorageConfig;
  options?: StorageManagerOptions;
  /** Unique to this run; every table, owner and namespace a test creates includes it. */
  suffix: string;
  cleanup(): Promise<void>;
}

/** The behaviour every backend must share; `setup` provides fresh, empty databases. */
function describeStorageSuite(name: string, setup: () => Promise<TestBackend>, options: { enabled: boolean }) {
  describe.skipIf(!options.enabled)(`storage on ${name}`, () => {
    let backend: TestBackend;
    const managers: StorageManager[] = [];
    const open = () => {
      const manager = createStorageManager(backend.config, backend.options);
      managers.push(manager);
      return manager;
    };
    const namespace = (label: string) => `${label}_${backend.suffix}`;

    beforeAll(async () => {
      backend = await setup();
    });
    afterEach(async () => {
      await Promise.all(managers.splice(0).map((manager) => manager.close()));
    });
    afterAll(async () => {
      await backend?.cleanup();
    });

    it('gets, sets, overwrites and deletes values', async () => {
      const store = await open().kv({ backend: 'kv_default', namespace: namespace('basic') });
      expect(await store.get('missing')).toBeUndefined();
      await store.set('greeting', 'hello');
      expect(await store.get('greeting')).toBe('hello');
      await store.set('greeting', '{"text":"hi"}');
      expect(await store.get('greeting')).toBe('{"text":"hi"}');
      await store.delete('greeting');
      expect(await store.get('greeting')).toBeUndefined();
      await expect(store.delete('greeting')).resolves.toBeUndefined();
    });

    it('hides expired values from every read', async () => {
      const store = await open().kv({ backend: 'kv_default', namespace: namespace('expiry') });
      const past = new Date(Date.now() - 1000);
      const future = new Date(Date.now() + 60_000);
      await store.set('gone', 'old', { expiresAt: past });
      await store.set('kept', 'fresh', { expiresAt: future });
      // Range reads first: `get` may delete the expired row, which would hide a missing filter.
      expect(await store.keysInRange('a', 'z')).toEqual(['kept']);
      expect(await store.valuesInRange('a', 'z')).toEqual(['fresh']);
      expect(await store.entriesWithPrefix('')).toEqual([{ key: 'kept', value: 'fresh' }]);
      expect(await store.get('gone')).toBeUndefined();
      expect(await store.get('kept')).toBe('fresh');

      // Overwriting an expired key without an expiry makes it permanent again.
      await store.set('kept', 'stale', { expiresAt: past });
      expect(await store.get('kept')).toBeUndefined();
      await store.set('kept', 'forever');
      expect(await store.get('kept')).toBe('forever');
    });

    it('answers inclusive key ranges in ascending order', async () => {
      const store = await open().kv({ backend: 'kv_default', namespace: namespace('range') });
      for (const key of ['d', 'b', 'a', 'c', 'e']) await store.set(key, `value-${key}`);
      expect(await store.keysInRange('b', 'd')).toEqual(['b', 'c', 'd']);
      expect(await store.valuesInRange('b', 'd')).toEqual(['value-b', 'value-c', 'value-d']);
      expect(await store.keysInRange('bb', 'cc')).toEqual(['c']);
      expect(await store.keysInRange('x', 'z')).toEqual([]);
    });

    it('matches prefixes literally, case-sensitively and in byte order', async () => {
      const store = await open().kv({ backend: 'kv_default', namespace: namespace('prefix') });
      const keys = [
        'user:2', 'user:1', 'user_x', 'user%y', 'userZ', 'usera', 'USER:3',
        'user:é', 'user:\uff21', 'user:\u{1f600}', '\u{1f600}a', '\u{1f600}b', '\u{1f601}',
      ];
      for (const key of keys) await store.set(key, `value of ${key}`);

      // UTF-8 byte order: U+FF21 sorts before U+1F600 although JavaScript's sort puts it after.
      expect((await store.entriesWithPrefix('user:')).map((entry) => entry.key)).toEqual([
        'user:1', 'user:2', 'user:é', 'user:\uff21', 'user:\u{1f600}',
      ]);
      expect(await store.entriesWithPrefix('user_')).toEqual([{ key: 'user_x', value: 'value of user_x' }]);
      expect(await store.entriesWithPrefix('user%')).toEqual([{ key: 'user%y', value: 'value of user%y' }]);
      expect((await store.entriesWithPrefix('user')).map((entry) => entry.key)).toEqual([
        'user%y', 'user:1', 'user:2', 'user:é', 'user:\uff21', 'user:\u{1f600}', 'userZ', 'user_x', 'usera',
      ]);
      expect((await store.entriesWithPrefix('\u{1f600}')).map((entry) => entry.key)).toEqual(['\u{1f600}a', '\u{1f600}b']);
      expect(await store.entriesWithPrefix('nothing')).toEqual([]);
      expect(await store.keysInRange('', '\u{10ffff}')).toEqual([
        'USER:3', 'user%y', 'user:1', 'user:2', 'user:é', 'user:\uff21', 'user:\u{1f600}', 'userZ', 'user_x', 'usera',
        '\u{1f600}a', '\u{1f600}b', '\u{1f601}',
      ]);
    });

    it('keeps namespaces on one backend apart', async () => {
      const manager = open();
      // One namespace is a prefix of the other, the case a naive prefix match gets wrong.
      const first = await manager.kv({ backend: 'kv_default', namespace: namespace('tenant') });
      const second = await manager.kv({ backend: 'kv_default', namespace: `${namespace('tenant')}2` });
      await first.set('shared', 'first');
      await second.set('shared', 'second');
      await second.set('only-second', 'x');

      expect(await first.get('shared')).toBe('first');
      expect(await second.get('shared')).toBe('second');
      expect(await first.entriesWithPrefix('')).toEqual([{ key: 'shared', value: 'first' }]);
      expect(await first.keysInRange('', '\u{10ffff}')).toEqual(['shared']);
      expect(await second.keysInRange('', '\u{10ffff}')).toEqual(['only-second', 'shared']);

      await first.delete('shared');
      expect(await first.get('shared')).toBeUndefined();
      expect(await second.get('shared')).toBe('second');
    });

    it('keeps data across a reopen', async () => {
      const first = open();
      const kv = await first.kv({ backend: 'kv_default', namespace: namespace('persist') });
      await kv.set('kept', 'still here');
      const store = await first.sql({ backend: 'sql_default', table_name: `notes_${backend.suffix}` });
      await store.migrate(`notes_${backend.suffix}`, {
        '001_create': {
          up: (db) => db.schema.createTable(store.tableName).addColumn('id', 'integer', (column) => column.primaryKey()).addColumn('body', 'text').execute(),
        },
      });
      await store.db.insertInto(store.tableName).values({ id: 1, body: 'remember me' }).execute();
      await first.close();
      await expect(first.kv({ backend: 'kv_default' })).rejects.toThrow(/closed/);

      const second = open();
      const reopened = await second.kv({ backend: 'kv_default', namespace: namespace('persist') });
      expect(await reopened.get('kept')).toBe('still here');
      const reopenedStore = await second.sql({ backend: 'sql_default', table_name: `notes_${backend.suffix}` });
      expect(await reopenedStore.db.selectFrom(reopenedStore.tableName).selectAll().execute()).toEqual([{ id: 1, body: 'remember me' }]);
    });

    it('runs each owner’s migrations once and tracks owners separately', async () => {
      const manager = open();
      const store = await manager.sql({ backend: 'sql_default', table_name: `items_${backend.suffix}` });
      expect(store.tableName).toBe(`items_${backend.suffix}`);
      expect(store.reference).toMatchObject({ backend: 'sql_default', table_name: store.tableName });

      let itemRuns = 0;
      const itemMigrations: Record<string, Migration> = {
        '001_create_items': {
          async up(db) {
            itemRuns += 1;
            await db.schema
              .createTable(store.tableName)
              .addColumn('id', 'text', (column) => column.primaryKey())
              .addColumn('count', 'integer', (column) => column.notNull())
              .execute();
          },
        },
      };
      const itemsOwner = `items_${backend.suffix}`;
      await Promise.all([store.migrate(itemsOwner, itemMigrations), store.migrate(itemsOwner, itemMigrations)]);
      await store.migrate(itemsOwner, itemMigrations);
      expect(itemRuns).toBe(1);

      // The same migration name under another owner is a different migration.
      let tagRuns = 0;
      const tagsTable = `tags_${backend.suffix}`;
      await store.migrate(`tags_${backend.suffix}`, {
        '001_create_items': {
          async up(db) {
            tagRuns += 1;
            await db.schema.createTable(tagsTable).addColumn('name', 'text', (column) => column.primaryKey()).execute();
          },
        },
      });
      expect(tagRuns).toBe(1);

      // A later migration of the first owner runs alone.
      let addedRuns = 0;
      await store.migrate(itemsOwner, {
        ...itemMigrations,
        '002_add_label': {
          async up(db) {
            addedRuns += 1;
            await db.schema.alterTable(store.tableName).addColumn('label', 'text').execute();
          },
        },
      });
      expect([itemRuns, addedRuns]).toEqual([1, 1]);

      await store.db.insertInto(store.tableName).values([
        { id: 'b', count: 2, label: 'second' },
        { id: 'a', count: 1, label: null },
      ]).execute();
      await store.db.insertInto(tagsTable).values({ name: 'red' }).execute();
      const rows = await store.db.selectFrom(store.tableName).select(['id', 'count', 'label']).orderBy('id').execute();
      expect(rows).toEqual([
        { id: 'a', count: 1, label: null },
        { id: 'b', count: 2, label: 'second' },
      ]);
      expect(await store.db.selectFrom(tagsTable).selectAll().execute()).toEqual([{ name: 'red' }]);
    });

    it('reports a failing migration and can retry it', async () => {
      const store = await open().sql({ backend: 'sql_default', table_name: `broken_${backend.suffix}` });
      const owner = `broken_${backend.suffix}`;
      let fail = true;
      const migrations: Record<string, Migration> = {
        '001_create': {
          async up(db) {
            await db.schema.createTable(store.tableName).addColumn('id', 'integer', (column) => column.primaryKey()).execute();
            if (fail) throw new Error('disk on fire');
          },
        },
      };
      await expect(store.migrate(owner, migrations)).rejects.toThrow(/Migration '001_create' of '.*' failed: disk on fire/);
      fail = false;
      await store.migrate(owner, migrations);
      await store.db.insertInto(store.tableName).values({ id: 7 }).execute();
      expect(await store.db.selectFrom(store.tableName).selectAll().execute()).toEqual([{ id: 7 }]);
    });

    it('shares one connection among the stores of a backend', async () => {
      const manager = open();
      const first = await manager.sql({ backend: 'sql_default', table_name: 'one' });
      const second = await manager.sql({ backend: 'sql_default', table_name: 'two' });
      expect(first.db).toBe(second.db);
      expect(first.tableName).toBe('one');
      expect(second.tableName).toBe('two');
      expect(first.dialect).toBe(name === 'postgres' ? 'postgres' : 'sqlite');

      // The same settings given inline reuse the named backend's connection.
      const inline = await manager.sql({ ...backend.config.backends.sql_default, table_name: 'three' });
      expect(inline.db).toBe(first.db);
      expect(inline.reference.table_name).toBe('three');
    });

    it('rejects unknown backends and backends of the wrong kind', async () => {
      const manager = open();
      const unknown = manager.kv({ backend: 'nope', namespace: 'x' });
      await expect(unknown).rejects.toBeInstanceOf(InvalidRequestError);
      await expect(unknown).rejects.toThrow("Unknown storage backend 'nope'. Known backends: kv_default, sql_default.");
      await expect(manager.sql({ backend: 'nope', table_name: 't' })).rejects.toThrow(/Unknown storage backend 'nope'/);

      const kvOnSql = manager.kv({ backend: 'sql_default', namespace: 'x' });
      await expect(kvOnSql).rejects.toBeInstanceOf(InvalidRequestError);
      await expect(kvOnSql).rejects.toThrow(/'sql_default' is of type sql_\w+ and cannot hold a key-value store/);
      await expect(manager.sql({ backend: 'kv_default', table_name: 't' })).rejects.toThrow(
        /'kv_default' is of type kv_\w+ and cannot hold a SQL store/,
      );

      const inlineSqlForKV = manager.kv({ type: 'sql_postgres', host: '127.0.0.1', port: 1, db: 'x', namespace: 'x' });
      await expect(inlineSqlForKV).rejects.toBeInstanceOf(InvalidRequestError);
      await expect(inlineSqlForKV).rejects.toThrow(/inline sql_postgres backend cannot hold a key-value store/);
      await expect(manager.sql({ type: 'kv_sqlite', db_path: ':memory:', table_name: 't' })).rejects.toThrow(
        /inline kv_sqlite backend cannot hold a SQL store/,
      );
      await expect(manager.sql({ type: 'sql_sqlite', db_path: ':memory:' })).rejects.toThrow(/needs a table_name/);
      await expect(manager.kv({ type: 'kv_sqlite' } as never)).rejects.toThrow(/Invalid inline storage backend/);
    });
  });
}

describeStorageSuite(
  'sqlite',
  async () => {
    const directory = mkdtempSync(join(tmpdir(), 'stack-storage-'));
    return {
      // The SQL backend's path is relative, so it must land in `baseDir`.
      config: {
        backends: {
          kv_default: { type: 'kv_sqlite', db_path: join(directory, 'nested', 'kvstore.db') },
          sql_default: { type: 'sql_sqlite', db_path: 'sql/sql_store.db' },
        },
        stores: {},
      },
      options: { baseDir: directory },
      suffix: uniqueTestSuffix(),
      cleanup: async () => rmSync(directory, { recursive: true, force: true }),
    };
  },
  { enabled: true },
);

const postgresEnabled = await postgresTestsEnabled('storage');

describeStorageSuite(
  'postgres',
  async () => {
    const connection = postgresTestConfig();
    const suffix = uniqueTestSuffix();
    const config: StorageConfig = {
      backends: {
        kv_default: { type: 'kv_postgres', ...connection, table_name: `kv_${suffix}` },
        sql_default: { type: 'sql_postgres', ...connection },
      },
      stores: {},
    };
    return {
      config,
      suffix,
      cleanup: async () => {
        const manager = createStorageManager(config);
        try {
          const { db } = await manager.sql({ backend: 'sql_default', table_name: 'cleanup' });
          const { rows } = await sql<{ table_name: string }>`
            select table_name from information_schema.tables
            where table_schema = current_schema() and position(${suffix} in table_name) > 0`.execute(db);
          for (const { table_name } of rows) await db.schema.dropTable(table_name).ifExists().execute();
        } finally {
          await manager.close();
        }
      },
    };
  },
  { enabled: postgresEnabled },
);

describe('storage on sqlite, specifically', () => {
  let directory: string;
  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'stack-storage-sqlite-'));
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('creates the database under baseDir with WAL and the connection pragmas', async () => {
    const manager = createStorageManager(
      { backends: { sql_default: { type: 'sql_sqlite', db_path: 'deep/er/store.db' } }, stores: {} },
      { baseDir: directory },
    );
    try {
      const { db } = await manager.sql({ backend: 'sql_default', table_name: 't' });
      const pragma = async (name: string) => (await sql.raw(`pragma ${name}`).execute(db)).rows[0];
      expect(await pragma('journal_mode')).toEqual({ journal_mode: 'wal' });
      expect(await pragma('synchronous')).toEqual({ synchronous: 1 });
      expect(await pragma('busy_timeout')).toEqual({ timeout: 5000 });
      expect(await pragma('foreign_keys')).toEqual({ foreign_keys: 1 });
      expect(existsSync(join(directory, 'deep', 'er', 'store.db'))).toBe(true);
    } finally {
      await manager.close();
      await manager.close();
    }
  });

  it('caches inline backends by their settings', async () => {
    const manager = createStorageManager({ backends: {}, stores: {} }, { baseDir: directory });
    try {
      const first = await manager.kv({ type: 'kv_sqlite', db_path: 'inline.db', namespace: 'a' });
      const second = await manager.kv({ type: 'kv_sqlite', db_path: join(directory, 'inline.db'), namespace: 'b' });
      await first.set('key', 'from a');
      await second.set('key', 'from b');
      expect(await first.get('key')).toBe('from a');
      const sqlStore = await manager.sql({ type: 'sql_sqlite', db_path: './inline.db', table_name: 'kvstore' });
      const rows = await sqlStore.db.selectFrom('kvstore').select('key').orderBy('key').execute();
      expect(rows).toEqual([{ key: 'a:key' }, { key: 'b:key' }]);
      expect(sqlStore.reference).toEqual({ backend: 'inline sql_sqlite', table_name: 'kvstore' });
    } finally {
      await manager.close();
    }
  });
});

describe.skipIf(!postgresEnabled)('storage on postgres, specifically', () => {
  it('stores kv keys with the C collation so ordering matches SQLite', async () => {
    const suffix = uniqueTestSuffix();
    const connection = postgresTestConfig();
    const manager = createStorageManager({
      backends: {
        kv_default: { type: 'kv_postgres', ...connection, table_name: `kv_collation_${suffix}` },
        sql_default: { type: 'sql_postgres', ...connection },
      },
      stores: {},
    });
    const { db } = await manager.sql({ backend: 'sql_default', table_name: 'unused' });
    try {
      await manager.kv({ backend: 'kv_default' });
      const { rows } = await sql<{ collation_name: string; data_type: string }>`
        select column_name, collation_name, data_type from information_schema.columns
        where table_schema = current_schema() and table_name = ${`kv_collation_${suffix}`} order by column_name`.execute(db);
      expect(rows).toEqual([
        { column_name: 'expires_at', collation_name: null, data_type: 'bigint' },
        { column_name: 'key', collation_name: 'C', data_type: 'text' },
        { column_name: 'value', collation_name: null, data_type: 'text' },
      ]);
    } finally {
      for (const table of [`kv_collation_${suffix}`, `stack_migrations_kv_kv_collation_${suffix}`, `stack_migration_locks_kv_kv_collation_${suffix}`]) {
        await db.schema.dropTable(table).ifExists().execute();
      }
      await manager.close();
    }
  });

  it('reports an unreachable server as unreachable', async () => {
    expect(await isPostgresReachable({ host: '127.0.0.1', port: 1, db: 'test' })).toBe(false);
  });
});
