import { describe, expect, it } from 'vitest';
import { pgvectorBackendConfigSchema, pgvectorConfigSchema } from './config.js';

function issues(input: unknown): string {
  const result = pgvectorConfigSchema.safeParse(input);
  expect(result.success).toBe(false);
  return JSON.stringify(result.error?.issues);
}

describe('pgvector config', () => {
  it('fills the reference defaults', () => {
    const config = pgvectorConfigSchema.parse({});
    expect(config).toMatchObject({
      host: 'localhost',
      port: 5432,
      db: 'postgres',
      user: 'postgres',
      distance_metric: 'COSINE',
      vector_index: { type: 'HNSW', m: 16, ef_construction: 64, ef_search: 40 },
      table_prefix: 'stack_pgvector',
      vector_index_min_rows: 5000,
      pool_max_size: 10,
      pool_min_size: 0,
      command_timeout: 30,
      max_concurrent_files: 3,
      embedding_batch_size: 64,
    });
    expect(config.password).toBeUndefined();
    expect(config.persistence).toBeUndefined();
  });

  it('coerces values that arrive as strings after env substitution, and treats empty strings as unset', () => {
    const config = pgvectorConfigSchema.parse({
      host: 'db.internal',
      port: '6543',
      db: 'vectors',
      user: '',
      password: 'secret',
      pool_max_size: '4',
      command_timeout: '2.5',
      vector_index: { type: 'hnsw', m: '8', ef_construction: '32', ef_search: '100' },
      persistence: { backend: 'kv_pg', namespace: 'vio' },
      max_concurrent_files: '2',
    });
    expect(config).toMatchObject({
      host: 'db.internal',
      port: 6543,
      db: 'vectors',
      user: 'postgres',
      password: 'secret',
      pool_max_size: 4,
      command_timeout: 2.5,
      vector_index: { type: 'HNSW', m: 8, ef_construction: 32, ef_search: 100 },
      persistence: { backend: 'kv_pg', namespace: 'vio' },
      max_concurrent_files: 2,
    });
  });

  it('accepts an IVFFlat index with its defaults', () => {
    expect(pgvectorConfigSchema.parse({ vector_index: { type: 'IVFFlat' } }).vector_index).toEqual({ type: 'IVFFlat', lists: 100, probes: 10 });
    expect(pgvectorConfigSchema.parse({ vector_index: { type: 'ivfflat', lists: 50, probes: '5' } }).vector_index).toEqual({
      type: 'IVFFlat',
      lists: 50,
      probes: 5,
    });
  });

  it('rejects index settings pgvector would refuse, naming the field', () => {
    expect(issues({ vector_index: { type: 'IVFFlat', lists: 10, probes: 10 } })).toMatch(/probes.*less than lists/);
    expect(issues({ vector_index: { type: 'HNSW', m: 16, ef_construction: 20 } })).toMatch(/ef_construction.*at least 2 × m/);
    expect(issues({ vector_index: { type: 'HNSW', ef_search: 5000 } })).toContain('ef_search');
    expect(issues({ vector_index: { type: 'DiskANN' } })).toContain('type');
    expect(issues({ port: 'abc' })).toContain('port');
    expect(issues({ table_prefix: 'Bad-Prefix' })).toContain('table_prefix');
    expect(issues({ vector_index_min_rows: -1 })).toContain('vector_index_min_rows');
  });

  it('serves COSINE only and says why for the other reference metrics', () => {
    expect(pgvectorConfigSchema.parse({ distance_metric: 'cosine' }).distance_metric).toBe('COSINE');
    for (const metric of ['L2', 'L1', 'INNER_PRODUCT']) {
      expect(issues({ distance_metric: metric })).toMatch(/only COSINE is supported/);
    }
    expect(issues({ distance_metric: 'HAMMING' })).toContain('distance_metric');
  });

  it('checks pool sizes against each other', () => {
    expect(issues({ pool_min_size: 5, pool_max_size: 2 })).toMatch(/pool_min_size/);
  });

  it('the backend schema holds the connection and index keys without the store keys', () => {
    const config = pgvectorBackendConfigSchema.parse({ vector_index: { type: 'IVFFlat', lists: 4, probes: 2 } });
    expect(config.vector_index).toEqual({ type: 'IVFFlat', lists: 4, probes: 2 });
    expect('persistence' in config).toBe(false);
  });
});
