import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStorageManager, type StorageManager } from '@stack/core';
import { postgresTestConfig, postgresTestsEnabled, providerTestDependencies } from '@stack/core/testing';
import type { VectorStoreProvider, VectorStoreProviderOptions } from '@stack/vector-stores';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgvectorTableNames } from '../src/backend.js';
import { pgvectorConfigSchema } from '../src/config.js';
import { providerSpec } from '../src/index.js';
import { dropTablesWithPrefix, testClient, testTablePrefix } from './support.js';

const enabled = await postgresTestsEnabled('@stack/vector-io-pgvector provider');

const DIMENSION = 8;
const WORDS = ['solar', 'panel', 'electricity', 'apple', 'pie', 'recipe', 'river', 'boat'];

/** Embeddings that count the known words of a text, one axis per word. */
const inference = {
  async embeddings(request: { model: string; input: string | string[] }) {
    const inputs = typeof request.input === 'string' ? [request.input] : request.input;
    return {
      object: 'list',
      model: request.model,
      data: inputs.map((text, index) => ({
        object: 'embedding',
        index,
        embedding: WORDS.map((word) => (text.toLowerCase().includes(word) ? 1 : 0) + 0.01),
      })),
      usage: { prompt_tokens: 0, total_tokens: 0 },
    };
  },
  async chatCompletion() {
    throw new Error('not used');
  },
} as unknown as VectorStoreProviderOptions['inference'];

async function tableExists(name: string): Promise<boolean> {
  const client = await testClient();
  try {
    const { rows } = await client.query<{ present: boolean }>('SELECT to_regclass($1::text) IS NOT NULL AS present', [name]);
    return rows[0]?.present === true;
  } finally {
    await client.end();
  }
}

describe.skipIf(!enabled)('remote::pgvector provider', () => {
  const tablePrefix = testTablePrefix('prov');
  let dir: string;
  let storage: StorageManager;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pgvector-provider-'));
    storage = createStorageManager({ backends: { kv_default: { type: 'kv_sqlite', db_path: join(dir, 'kv.db') } }, stores: {} }, { baseDir: dir });
  });

  afterAll(async () => {
    await storage?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
    await dropTablesWithPrefix(tablePrefix);
  });

  const open = (): Promise<VectorStoreProvider> => {
    const config = pgvectorConfigSchema.parse({ ...postgresTestConfig(), table_prefix: tablePrefix, pool_max_size: '3' });
    const deps = providerTestDependencies('pgvector', {
      storage,
      api: (<T>() => inference as T) as never,
      optionalApi: (() => undefined) as never,
    });
    return providerSpec.create(config, deps) as Promise<VectorStoreProvider>;
  };

  it('declares the reference provider type and dependencies', () => {
    expect(providerSpec.providerType).toBe('remote::pgvector');
    expect(providerSpec.api).toBe('vector_io');
    expect(providerSpec.apiDependencies).toEqual(['inference']);
    expect(providerSpec.optionalApiDependencies).toEqual(['files']);
  });

  it('stores chunks in PostgreSQL, searches them in every mode, and keeps them across a restart', async () => {
    let provider = await open();
    const store = await provider.createVectorStore({ name: 'energy', embedding_model: 'words', embedding_dimension: DIMENSION });
    const { table } = pgvectorTableNames(store.id, tablePrefix);
    expect(await tableExists(table)).toBe(true);
    await provider.insertChunks({
      vector_store_id: store.id,
      chunks: [
        { chunk_id: 'c1', content: 'Solar panel produces electricity', metadata: { topic: 'energy' } },
        { chunk_id: 'c2', content: 'An apple pie recipe', metadata: { topic: 'food' } },
        { chunk_id: 'c3', content: 'A boat on the river', metadata: { topic: 'travel' } },
      ],
    });
    const vector = await provider.queryChunks({ vector_store_id: store.id, query: 'solar electricity', params: { max_chunks: 1 } });
    expect(vector.chunks.map((chunk) => chunk.chunk_id)).toEqual(['c1']);
    const keyword = await provider.queryChunks({ vector_store_id: store.id, query: 'recipes', params: { mode: 'keyword' } });
    expect(keyword.chunks.map((chunk) => chunk.chunk_id)).toEqual(['c2']);
    const hybrid = await provider.queryChunks({ vector_store_id: store.id, query: 'boat', params: { mode: 'hybrid', max_chunks: 2 } });
    expect(hybrid.chunks[0]?.chunk_id).toBe('c3');

    await provider.close();
    provider = await open();
    const again = await provider.queryChunks({ vector_store_id: store.id, query: 'apple pie', params: { max_chunks: 1 } });
    expect(again.chunks.map((chunk) => chunk.chunk_id)).toEqual(['c2']);
    await provider.deleteVectorStore(store.id);
    expect(await tableExists(table)).toBe(false);
    await provider.close();
  });
});
