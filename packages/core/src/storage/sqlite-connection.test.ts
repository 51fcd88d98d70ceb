import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveSqlitePath } from './sqlite-connection.js';

describe('resolveSqlitePath', () => {
  it('expands a leading ~ to the home directory', () => {
    expect(resolveSqlitePath('~/.llama/kvstore.db', '/srv')).toBe(join(homedir(), '.llama', 'kvstore.db'));
    expect(resolveSqlitePath('~other/kvstore.db', '/srv')).toBe('/srv/~other/kvstore.db');
  });

  it('resolves relative paths against the base directory and keeps :memory:', () => {
    expect(resolveSqlitePath('data/store.db', '/srv')).toBe('/srv/data/store.db');
    expect(resolveSqlitePath('/var/lib/store.db', '/srv')).toBe('/var/lib/store.db');
    expect(resolveSqlitePath(':memory:', '/srv')).toBe(':memory:');
  });
});
