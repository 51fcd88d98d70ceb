import { mkdtemp, readdir, rm, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequestContext, createStorageManager, readAllBytes, storageConfigSchema, type StorageManager } from '@stack/core';
import { providerTestDependencies } from '@stack/core/testing';
import { createTestClock, patternBytes, stalledUpload, uploadOf } from '@stack/files-api/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { localFsFilesConfigSchema, type LocalFsFilesConfigInput } from './config.js';
import { providerSpec } from './index.js';
import { createLocalFsFiles } from './localfs-files.js';

let root: string;
let storageDir: string;
let storage: StorageManager;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'stack-files-localfs-unit-'));
  storageDir = join(root, 'files');
  storage = createStorageManager(storageConfigSchema.parse({ backends: { sql_default: { type: 'sql_sqlite', db_path: join(root, 'meta.db') } } }));
});

afterEach(async () => {
  await storage.close();
  await rm(root, { recursive: true, force: true });
});

const configWith = (extra: Partial<LocalFsFilesConfigInput> = {}) => localFsFilesConfigSchema.parse({ storage_dir: storageDir, ...extra });

describe('inline::localfs', () => {
  it('is the files provider inline::localfs and creates its directory', async () => {
    expect(providerSpec).toMatchObject({ api: 'files', providerType: 'inline::localfs' });
    const provider = await providerSpec.create(configWith(), providerTestDependencies('localfs', { storage }));
    const file = await provider.uploadFile({ file: uploadOf('hello', 'hello.txt'), fields: { purpose: 'assistants' } });
    expect(file.id).toMatch(/^file-[0-9a-f]{32}$/);
    expect(await readdir(storageDir)).toEqual([file.id]);
    expect((await stat(join(storageDir, file.id))).size).toBe(5);
    await provider.close();
  });

  it('expires files after ttl_secs unless expires_after says otherwise, and keeps them with ttl 0', async () => {
    const clock = createTestClock();
    const provider = await createLocalFsFiles(configWith({ ttl_secs: 7200 }), { storage, clock: clock.now });
    const plain = await provider.uploadFile({ file: uploadOf('a', 'a.txt'), fields: { purpose: 'batch' } });
    expect(plain.expires_at).toBe(plain.created_at + 7200);
    const explicit = await provider.uploadFile({
      file: uploadOf('b', 'b.txt'),
      fields: { purpose: 'batch', expires_after: { anchor: 'created_at', seconds: 3600 } },
    });
    expect(explicit.expires_at).toBe(explicit.created_at + 3600);
    const forever = await createLocalFsFiles(configWith({ ttl_secs: 0 }), { storage, clock: clock.now });
    expect((await forever.uploadFile({ file: uploadOf('c', 'c.txt'), fields: { purpose: 'batch' } })).expires_at).toBeNull();
  });

  it('shows only a partial file while an upload is under way, and nothing once it is aborted', async () => {
    const provider = await createLocalFsFiles(configWith(), { storage });
    const controller = new AbortController();
    const uploading = provider.uploadFile(
      { file: stalledUpload(300_000), fields: { purpose: 'assistants' } },
      createRequestContext({ signal: controller.signal }),
    );
    uploading.catch(() => undefined);
    let names: string[] = [];
    for (let attempt = 0; attempt < 100 && names.length === 0; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      names = await readdir(storageDir);
    }
    expect(names).toHaveLength(1);
    expect(names[0]).toMatch(/^\.partial-file-[0-9a-f]{32}$/);
    controller.abort();
    await expect(uploading).rejects.toThrow();
    expect(await readdir(storageDir)).toEqual([]);
  });

  it('removes expired files and stale partial uploads when it starts', async () => {
    const clock = createTestClock();
    const first = await createLocalFsFiles(configWith(), { storage, clock: clock.now });
    const brief = await first.uploadFile({
      file: uploadOf(patternBytes(1000), 'brief.bin'),
      fields: { purpose: 'assistants', expires_after: { anchor: 'created_at', seconds: 3600 } },
    });
    const lasting = await first.uploadFile({ file: uploadOf('stay', 'stay.txt'), fields: { purpose: 'assistants' } });
    await first.close();
    const stale = join(storageDir, `.partial-file-${'a'.repeat(32)}`);
    const fresh = join(storageDir, `.partial-file-${'b'.repeat(32)}`);
    await writeFile(stale, 'left by a crash');
    await writeFile(fresh, 'still being written');
    const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
    await utimes(stale, twoHoursAgo, twoHoursAgo);

    clock.advance(3601);
    const second = await createLocalFsFiles(configWith(), { storage, clock: clock.now });
    expect((await readdir(storageDir)).sort()).toEqual([lasting.id, `.partial-file-${'b'.repeat(32)}`].sort());
    await expect(second.retrieveFile(brief.id)).rejects.toMatchObject({ kind: 'not_found' });
  });

  it('removes the bytes of expired files when listing', async () => {
    const clock = createTestClock();
    const provider = await createLocalFsFiles(configWith(), { storage, clock: clock.now });
    const brief = await provider.uploadFile({
      file: uploadOf('soon gone', 'brief.txt'),
      fields: { purpose: 'assistants', expires_after: { anchor: 'created_at', seconds: 3600 } },
    });
    expect(await readdir(storageDir)).toEqual([brief.id]);
    clock.advance(3600);
    expect((await provider.listFiles()).data).toEqual([]);
    expect(await readdir(storageDir)).toEqual([]);
  });

  it('answers NotFoundError and drops the row when a file has lost its bytes', async () => {
    const provider = await createLocalFsFiles(configWith(), { storage });
    const file = await provider.uploadFile({ file: uploadOf('bytes', 'gone.txt'), fields: { purpose: 'assistants' } });
    await unlink(join(storageDir, file.id));
    await expect(provider.retrieveFileContent(file.id)).rejects.toMatchObject({ kind: 'not_found' });
    await expect(provider.retrieveFile(file.id)).rejects.toMatchObject({ kind: 'not_found' });
    expect((await provider.listFiles()).data).toEqual([]);
  });

  it('streams content from disk with its length, name and type', async () => {
    const provider = await createLocalFsFiles(configWith(), { storage });
    const data = patternBytes(200_000, 2);
    const file = await provider.uploadFile({ file: uploadOf(data, 'scan.pdf'), fields: { purpose: 'user_data' } });
    const content = await provider.retrieveFileContent(file.id);
    expect(content).toMatchObject({ bytes: 200_000, filename: 'scan.pdf', contentType: 'application/pdf' });
    let chunks = 0;
    const received: Uint8Array[] = [];
    for await (const chunk of content.stream) {
      chunks += 1;
      received.push(chunk);
    }
    expect(chunks).toBeGreaterThan(1);
    expect(Buffer.concat(received).equals(Buffer.from(data))).toBe(true);
  });

  it('keeps providers with different metadata tables in one database apart', async () => {
    const one = await createLocalFsFiles(configWith({ metadata_store: { backend: 'sql_default', table_name: 'files_one' } }), { storage });
    const two = await createLocalFsFiles(
      localFsFilesConfigSchema.parse({ storage_dir: join(root, 'other'), metadata_store: { backend: 'sql_default', table_name: 'files_two' } }),
      { storage },
    );
    const inOne = await one.uploadFile({ file: uploadOf('1', 'one.txt'), fields: { purpose: 'assistants' } });
    const inTwo = await two.uploadFile({ file: uploadOf('2', 'two.txt'), fields: { purpose: 'assistants' } });
    expect((await one.listFiles()).data.map((file) => file.id)).toEqual([inOne.id]);
    expect((await two.listFiles()).data.map((file) => file.id)).toEqual([inTwo.id]);
    expect(new TextDecoder().decode(await readAllBytes((await two.retrieveFileContent(inTwo.id)).stream))).toBe('2');
  });

  it('rejects invalid list requests naming the field', async () => {
    const provider = await createLocalFsFiles(configWith(), { storage });
    await expect(provider.listFiles({ limit: 0 })).rejects.toMatchObject({ kind: 'invalid_request', param: 'limit' });
    await expect(provider.listFiles({ purpose: 'nonsense' as never })).rejects.toMatchObject({ kind: 'invalid_request', param: 'purpose' });
  });
});
