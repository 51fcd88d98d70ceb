import { createConsoleLogger, type ProviderDependencies } from '@stack/core';
import type { VectorIoProvider } from '@stack/vector-io-api';
import { afterEach, describe, expect, it } from 'vitest';
import { faissConfigSchema, providerSpec } from '../src/index.js';
import { tempKV, type TempKV } from './support.js';

const DIMENSION = 32;

/** A bag-of-words embedding: texts sharing words get similar vectors. */
function embed(text: string): number[] {
  const vector = new Array<number>(DIMENSION).fill(0);
  for (const word of text.toLowerCase().match(/[a-z]+/g) ?? []) {
    let hash = 0;
    for (const character of word) hash = (hash * 31 + character.charCodeAt(0)) >>> 0;
    vector[hash % DIMENSION] += 1;
  }
  return vector;
}

const inference = {
  async embeddings(request: { model: string; input: string | string[] }) {
    const inputs = Array.isArray(request.input) ? request.input : [request.input];
    return {
      object: 'list',
      model: request.model,
      data: inputs.map((text, index) => ({ object: 'embedding', index, embedding: embed(text) })),
      usage: { prompt_tokens: 0, total_tokens: 0 },
    };
  },
  async chatCompletion() {
    throw new Error('not used');
  },
};

describe('inline::faiss provider', () => {
  let store: TempKV | undefined;

  afterEach(async () => {
    await store?.cleanup();
    store = undefined;
  });

  it('parses its config with defaults, strings from the environment and the shared keys', () => {
    const defaults = faissConfigSchema.parse({});
    expect(defaults).toMatchObject({ index_type: 'flat', auto_threshold: 10_000, hnsw: { m: 16, ef_construction: 100, ef_search: 64 } });
    expect(defaults.persistence).toBeUndefined();
    const fromEnvironment = faissConfigSchema.parse({
      index_type: 'HNSW',
      auto_threshold: '500',
      hnsw: { m: '8', ef_construction: '', ef_search: '32' },
      persistence: { backend: 'kv_default', namespace: 'faiss_test' },
      max_concurrent_files: '2',
    });
    expect(fromEnvironment).toMatchObject({
      index_type: 'hnsw',
      auto_threshold: 500,
      hnsw: { m: 8, ef_construction: 100, ef_search: 32 },
      persistence: { backend: 'kv_default', namespace: 'faiss_test' },
      max_concurrent_files: 2,
    });
    expect(faissConfigSchema.safeParse({ index_type: 'ivf' }).success).toBe(false);
    expect(faissConfigSchema.safeParse({ hnsw: { m: 1 } }).success).toBe(false);
    expect(providerSpec.providerType).toBe('inline::faiss');
    expect(providerSpec.api).toBe('vector_io');
  });

  for (const indexType of ['flat', 'hnsw'] as const) {
    it(`stores and searches chunks end to end, surviving a restart (${indexType})`, async () => {
      store = await tempKV();
      const deps = (): ProviderDependencies => ({
        providerId: 'faiss',
        api: <T>() => inference as T,
        optionalApi: () => undefined,
        storage: store!.storage,
        logger: createConsoleLogger({ level: 'error' }),
      });
      const config = faissConfigSchema.parse({ index_type: indexType });
      const provider = (await providerSpec.create(config, deps())) as VectorIoProvider & { close(): Promise<void> };
      const created = await provider.createVectorStore({ name: 'docs', embedding_model: 'bag-of-words', embedding_dimension: DIMENSION });
      await provider.insertChunks({
        vector_store_id: created.id,
        chunks: [
          { chunk_id: 'cats', content: 'cats purr and sleep in the sun', metadata: { topic: 'pets' } },
          { chunk_id: 'rockets', content: 'rockets burn fuel to reach orbit', metadata: { topic: 'space' } },
          { chunk_id: 'dogs', content: 'dogs bark and fetch sticks in the park', metadata: { topic: 'pets' } },
        ],
      });
      const first = await provider.queryChunks({ vector_store_id: created.id, query: 'why do cats purr', params: { max_chunks: 1 } });
      expect(first.chunks.map((item) => item.chunk_id)).toEqual(['cats']);
      await provider.close();

      const reopened = (await providerSpec.create(config, deps())) as VectorIoProvider & { close(): Promise<void> };
      const again = await reopened.queryChunks({ vector_store_id: created.id, query: 'rockets reach orbit', params: { max_chunks: 2 } });
      expect(again.chunks[0]?.chunk_id).toBe('rockets');
      const keyword = await reopened.queryChunks({ vector_store_id: created.id, query: 'bark', params: { mode: 'keyword', max_chunks: 5 } });
      expect(keyword.chunks.map((item) => item.chunk_id)).toEqual(['dogs']);
      expect((await reopened.retrieveVectorStore(created.id)).name).toBe('docs');
      // Store records and index data share the configured namespace.
      const namespaceKeys = await (await store.reopen()).keysInRange('', '\uffff');
      expect(namespaceKeys.some((key) => key.startsWith('faiss:v1:log:'))).toBe(true);
      expect(namespaceKeys.some((key) => key.startsWith('vector_stores:'))).toBe(true);
      await reopened.close();
    });
  }
});
