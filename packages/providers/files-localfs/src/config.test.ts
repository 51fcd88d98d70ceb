import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_FILE_TTL_SECONDS, localFsFilesConfigSchema, resolveStorageDir } from './config.js';

describe('the inline::localfs config', () => {
  it('defaults the metadata store to sql_default/files_metadata and the ttl to one year', () => {
    const config = localFsFilesConfigSchema.parse({ storage_dir: '/srv/files' });
    expect(config).toEqual({
      storage_dir: '/srv/files',
      metadata_store: { backend: 'sql_default', table_name: 'files_metadata' },
      ttl_secs: DEFAULT_FILE_TTL_SECONDS,
    });
    expect(DEFAULT_FILE_TTL_SECONDS).toBe(31_536_000);
    expect(localFsFilesConfigSchema.parse({ storage_dir: '/srv/files', metadata_store: null }).metadata_store).toEqual({
      backend: 'sql_default',
      table_name: 'files_metadata',
    });
  });

  it('expands ~ and resolves relative directories against the working directory', () => {
    expect(localFsFilesConfigSchema.parse({ storage_dir: '~/.llama/files' }).storage_dir).toBe(join(homedir(), '.llama/files'));
    expect(localFsFilesConfigSchema.parse({ storage_dir: '~' }).storage_dir).toBe(homedir());
    expect(localFsFilesConfigSchema.parse({ storage_dir: 'data/files' }).storage_dir).toBe(resolve(process.cwd(), 'data/files'));
    expect(resolveStorageDir('files', '/base')).toBe('/base/files');
    expect(resolveStorageDir('~user/files', '/base')).toBe('/base/~user/files');
  });

  it('takes a metadata store reference and ttl values as substitution leaves them', () => {
    const config = localFsFilesConfigSchema.parse({
      storage_dir: '/srv/files',
      metadata_store: { backend: 'sql_pg', table_name: 'my_files' },
      ttl_secs: '3600',
    });
    expect(config.metadata_store).toMatchObject({ backend: 'sql_pg', table_name: 'my_files' });
    expect(config.ttl_secs).toBe(3600);
    expect(localFsFilesConfigSchema.parse({ storage_dir: '/x', ttl_secs: 0 }).ttl_secs).toBeNull();
    expect(localFsFilesConfigSchema.parse({ storage_dir: '/x', ttl_secs: null }).ttl_secs).toBeNull();
  });

  it('rejects a missing storage_dir, a bad ttl and an incomplete metadata store', () => {
    expect(localFsFilesConfigSchema.safeParse({}).success).toBe(false);
    expect(localFsFilesConfigSchema.safeParse({ storage_dir: '  ' }).success).toBe(false);
    expect(localFsFilesConfigSchema.safeParse({ storage_dir: '/x', ttl_secs: -1 }).success).toBe(false);
    expect(localFsFilesConfigSchema.safeParse({ storage_dir: '/x', ttl_secs: 1.5 }).success).toBe(false);
    expect(localFsFilesConfigSchema.safeParse({ storage_dir: '/x', metadata_store: { backend: 'sql_default' } }).success).toBe(false);
  });
});
