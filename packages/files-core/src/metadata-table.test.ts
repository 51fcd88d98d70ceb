import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStorageManager, type StorageManager } from '@stack/core';
import { postgresTestConfig, postgresTestsEnabled, uniqueTestSuffix } from '@stack/core/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openFileMetadataTable, parseListRequest, toFileObject, type FileMetadataTable, type FileRecord } from './index.js';

const record = (id: string, created_at: number, extra: Partial<FileRecord> = {}): FileRecord => ({
  id,
  filename: `${id}.txt`,
  purpose: 'assistants',
  bytes: 10,
  created_at,
  expires_at: null,
  content_type: 'text/plain',
  ...extra,
});

const backends: Array<'sqlite' | 'postgres'> = ['sqlite'];
if (await postgresTestsEnabled('file metadata table on Postgres')) backends.push('postgres');

for (const backend of backends) {
  describe(`file metadata table on ${backend}`, () => {
    let storage: StorageManager;
    let directory: string;
    let table: FileMetadataTable;
    const tableName = `files_meta_${uniqueTestSuffix()}`;

    beforeAll(async () => {
      directory = await mkdtemp(join(tmpdir(), 'files-core-'));
      storage = createStorageManager({
        backends: { sql: backend === 'sqlite' ? { type: 'sql_sqlite', db_path: join(directory, 'meta.db') } : { type: 'sql_postgres', ...postgresTestConfig() } },
        stores: {},
      } as never);
      table = await openFileMetadataTable(await storage.sql({ backend: 'sql', table_name: tableName }), 'files-core-test');
      await table.insert(record('file-a', 100));
      await table.insert(record('file-b', 100, { purpose: 'batch' }));
      await table.insert(record('file-c', 200, { expires_at: 150 }));
      await table.insert(record('file-d', 300));
    });

    afterAll(async () => {
      if (backend === 'postgres') {
        const store = await storage.sql({ backend: 'sql', table_name: tableName });
        await sql`DROP TABLE IF EXISTS ${sql.table(tableName)}`.execute(store.db);
      }
      await storage.close();
      await rm(directory, { recursive: true, force: true });
    });

    it('pages unexpired rows by (created_at, id) in both orders, with a purpose filter', async () => {
      const desc = await table.page({ limit: 10, order: 'desc' }, 160);
      expect(desc.records.map((row) => row.id)).toEqual(['file-d', 'file-b', 'file-a']);
      const asc = await table.page({ limit: 2, order: 'asc' }, 160);
      expect(asc).toMatchObject({ hasMore: true, records: [{ id: 'file-a' }, { id: 'file-b' }] });
      const next = await table.page({ limit: 2, order: 'asc', after: 'file-b' }, 160);
      expect(next.records.map((row) => row.id)).toEqual(['file-d']);
      expect(next.hasMore).toBe(false);
      const batch = await table.page({ limit: 10, order: 'asc', purpose: 'batch' }, 160);
      expect(batch.records.map((row) => row.id)).toEqual(['file-b']);
      expect((await table.page({ limit: 10, order: 'asc' }, 140)).records.map((row) => row.id)).toContain('file-c');
    });

    it('finds expired rows and removes rows once', async () => {
      expect(await table.expiredIds(160, 10)).toEqual(['file-c']);
      expect(await table.remove('file-c')).toBe(true);
      expect(await table.remove('file-c')).toBe(false);
      expect(await table.get('file-c')).toBeUndefined();
    });

    it('rolls the insert back when the commit hook fails', async () => {
      await expect(
        table.insert(record('file-x', 400), async () => {
          throw new Error('rename failed');
        }),
      ).rejects.toThrow('rename failed');
      expect(await table.get('file-x')).toBeUndefined();
    });

    it('answers numbers as numbers and converts rows to file objects', async () => {
      const row = await table.get('file-a');
      expect(row).toEqual(record('file-a', 100));
      expect(toFileObject(row!)).toEqual({ object: 'file', id: 'file-a', bytes: 10, created_at: 100, expires_at: null, filename: 'file-a.txt', purpose: 'assistants', status: 'processed' });
    });
  });
}

describe('parseListRequest', () => {
  it('defaults to newest first and OpenAI’s page size, and names a bad field', () => {
    expect(parseListRequest(undefined)).toEqual({ after: undefined, limit: 10_000, order: 'desc', purpose: undefined });
    expect(() => parseListRequest({ limit: 0 })).toThrow(/'limit'/);
  });
});
