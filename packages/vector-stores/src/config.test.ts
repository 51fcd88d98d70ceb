import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { vectorStoreConfigSchema, vectorStoreConfigShape, vectorStoreSettings } from './config.js';

describe('vectorStoreConfigShape', () => {
  it('fills the defaults', () => {
    expect(vectorStoreConfigSchema.parse({})).toEqual({ max_concurrent_files: 3, embedding_batch_size: 64 });
  });

  it('accepts values as env substitution leaves them', () => {
    const config = vectorStoreConfigSchema.parse({
      persistence: { backend: 'kv_default', namespace: 'vector_io::sqlite_vec' },
      max_concurrent_files: '5',
      embedding_batch_size: '',
      rewrite_query_model: '',
    });
    expect(config).toEqual({ persistence: { backend: 'kv_default', namespace: 'vector_io::sqlite_vec' }, max_concurrent_files: 5, embedding_batch_size: 64 });
    expect(vectorStoreSettings(vectorStoreConfigSchema.parse({ rewrite_query_model: 'llama', embedding_batch_size: 8 }))).toEqual({
      maxConcurrentFiles: 3,
      embeddingBatchSize: 8,
      rewriteQueryModel: 'llama',
    });
  });

  it('spreads into a provider schema and rejects bad values by field', () => {
    const schema = z.object({ ...vectorStoreConfigShape, db_path: z.string() });
    const result = schema.safeParse({ db_path: 'x.db', max_concurrent_files: 0, persistence: { namespace: 'n' } });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.')).sort()).toEqual(['max_concurrent_files', 'persistence.backend']);
  });
});
