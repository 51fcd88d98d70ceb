import type { Migration } from 'kysely';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { migrationTableNames, runMigrations } from './migrations.js';
import { openSqliteDatabase } from './sqlite-connection.js';

describe('migrationTableNames', () => {
  it('keeps simple owners readable', () => {
    expect(migrationTableNames('inference_store')).toEqual({
      migrationTableName: 'stack_migrations_inference_store',
      migrationLockTableName: 'stack_migration_locks_inference_store',
    });
  });

  it('keeps owners apart that sanitise to the same name', () => {
    const dashed = migrationTableNames('vector-io');
    const underscored = migrationTableNames('vector_io');
    expect(dashed.migrationTableName).toMatch(/^stack_migrations_vector_io_[0-9a-f]{8}$/);
    expect(dashed.migrationTableName).not.toBe(underscored.migrationTableName);
  });

  it('fits long owners into a Postgres identifier', () => {
    const first = migrationTableNames(`${'a'.repeat(80)}1`);
    const second = migrationTableNames(`${'a'.repeat(80)}2`);
    for (const name of [...Object.values(first), ...Object.values(second)]) expect(name.length).toBeLessThanOrEqual(63);
    expect(first.migrationLockTableName).not.toBe(second.migrationLockTableName);
  });
});

describe('runMigrations', () => {
  const db = openSqliteDatabase(':memory:');
  afterEach(async () => {
    await db.schema.dropTable('widgets').ifExists().execute();
  });
  afterAll(() => db.destroy());

  it('gives concurrent callers the same run and applies it once', async () => {
    let runs = 0;
    const migrations: Record<string, Migration> = {
      '001_widgets': {
        async up(migrating) {
          runs += 1;
          await migrating.schema.createTable('widgets').addColumn('id', 'integer').execute();
        },
      },
    };
    const first = runMigrations(db, 'widgets', migrations);
    const second = runMigrations(db, 'widgets', migrations);
    expect(second).toBe(first);
    await first;
    await runMigrations(db, 'widgets', migrations);
    expect(runs).toBe(1);
    const recorded = await db.selectFrom('stack_migrations_widgets').select('name').execute();
    expect(recorded).toEqual([{ name: '001_widgets' }]);
  });
});
