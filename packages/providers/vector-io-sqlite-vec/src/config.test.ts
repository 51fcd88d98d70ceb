import { describe, expect, it } from 'vitest';
import { DEFAULT_SQLITE_VEC_PERSISTENCE, sqliteVecConfigSchema } from './config.js';
import { providerSpec } from './index.js';

describe('sqliteVecConfigSchema', () => {
  it('parses the reference run config block', () => {
    const config = sqliteVecConfigSchema.parse({
      db_path: '/home/me/.llama/distributions/starter/sqlite_vec.db',
      persistence: { namespace: 'vector_io::sqlite_vec', backend: 'kv_default' },
    });
    expect(config).toEqual({
      db_path: '/home/me/.llama/distributions/starter/sqlite_vec.db',
      persistence: { namespace: 'vector_io::sqlite_vec', backend: 'kv_default' },
      max_concurrent_files: 3,
      embedding_batch_size: 64,
      rewrite_query_model: undefined,
    });
  });

  it('defaults persistence to kv_default / vector_io::sqlite_vec when it is absent or blank', () => {
    expect(DEFAULT_SQLITE_VEC_PERSISTENCE).toEqual({ backend: 'kv_default', namespace: 'vector_io::sqlite_vec' });
    for (const persistence of [undefined, null, '']) {
      expect(sqliteVecConfigSchema.parse({ db_path: 'vectors.db', persistence }).persistence).toEqual(DEFAULT_SQLITE_VEC_PERSISTENCE);
    }
    expect(sqliteVecConfigSchema.parse({ db_path: 'vectors.db', persistence: { backend: 'kv_other' } }).persistence).toEqual({ backend: 'kv_other' });
  });

  it('accepts the shared vector-store keys, numbers given as strings after env substitution', () => {
    const config = sqliteVecConfigSchema.parse({
      db_path: '~/vectors.db',
      max_concurrent_files: '5',
      embedding_batch_size: 16,
      rewrite_query_model: 'llama-3.2-3b',
    });
    expect(config.db_path).toBe('~/vectors.db');
    expect(config.max_concurrent_files).toBe(5);
    expect(config.embedding_batch_size).toBe(16);
    expect(config.rewrite_query_model).toBe('llama-3.2-3b');
  });

  it('requires db_path, naming it', () => {
    for (const input of [{}, { db_path: '' }, { db_path: '   ' }, { db_path: 3 }]) {
      const result = sqliteVecConfigSchema.safeParse(input);
      expect(result.success).toBe(false);
      expect(result.error?.issues.map((issue) => issue.path.join('.'))).toContain('db_path');
    }
    const zero = sqliteVecConfigSchema.safeParse({ db_path: 'v.db', max_concurrent_files: 0 });
    expect(zero.error?.issues.map((issue) => issue.path.join('.'))).toContain('max_concurrent_files');
  });
});

describe('providerSpec', () => {
  it('is the inline::sqlite-vec vector_io provider, needing inference and optionally files', () => {
    expect(providerSpec.api).toBe('vector_io');
    expect(providerSpec.providerType).toBe('inline::sqlite-vec');
    expect(providerSpec.apiDependencies).toEqual(['inference']);
    expect(providerSpec.optionalApiDependencies).toEqual(['files']);
    expect(providerSpec.configSchema).toBe(sqliteVecConfigSchema);
  });
});
