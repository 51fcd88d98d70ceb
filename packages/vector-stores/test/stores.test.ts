import { ConflictError, createRequestContext, InvalidRequestError, silentLogger } from '@stack/core';
import type { ChatCompletion } from '@stack/inference-api';
import {
  queryChunksResponseSchema,
  searchResponseSchema,
  vectorStoreObjectSchema,
  type Chunk,
  type VectorIndexBackend,
} from '@stack/vector-io-api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryIndexBackend, createVectorStoreProvider, type VectorStoreProvider } from '../src/index.js';
import { createTestStorage, DIMENSION, localInference, MODEL, rejection, type TestStorage } from './support.js';

const { inference, provider: encoder } = localInference();
let storage: TestStorage;
let backend: VectorIndexBackend;
let stores: VectorStoreProvider;
let now = 1_700_000_000;

async function embed(texts: string[]): Promise<number[][]> {
  const response = await inference.embeddings({ model: MODEL, input: texts }, createRequestContext());
  return response.data.map((item) => item.embedding as number[]);
}

beforeAll(async () => {
  storage = await createTestStorage();
});

afterAll(async () => {
  await stores?.close();
  await encoder.close();
  await storage.cleanup();
});

beforeEach(async () => {
  await stores?.close();
  // A fresh namespace per test keeps lists apart.
  const kv = await storage.storage.kv({ backend: 'kv_test', namespace: `ns_${Math.random().toString(36).slice(2)}` });
  backend = createMemoryIndexBackend();
  stores = await createVectorStoreProvider({ providerId: 'memory', backend, kv, inference, logger: silentLogger, clock: () => now });
});

describe('vector stores', () => {
  it('creates a store shaped as OpenAI answers it, learning the dimension once per model', async () => {
    const before = inference.calls.length;
    const store = await stores.createVectorStore({ name: 'docs', metadata: { team: 'search' }, embedding_model: MODEL });
    expect(vectorStoreObjectSchema.strict().parse(store)).toEqual(store);
    expect(store).toMatchObject({
      object: 'vector_store',
      name: 'docs',
      metadata: { team: 'search' },
      status: 'completed',
      usage_bytes: 0,
      file_counts: { completed: 0, cancelled: 0, failed: 0, in_progress: 0, total: 0 },
      expires_after: null,
      expires_at: null,
      created_at: now,
      last_active_at: now,
    });
    expect(store.id).toMatch(/^vs_[0-9a-f]{24,}$/);
    await stores.createVectorStore({ embedding_model: MODEL });
    expect(inference.calls.length - before).toBe(1);
    // The learned dimension is the one raw embeddings are checked against.
    const error = await rejection(
      stores.insertChunks({ vector_store_id: store.id, chunks: [{ chunk_id: 'c', content: 'x', metadata: {}, embedding: [1, 2, 3] }] }),
    );
    expect(error.message).toContain(String(DIMENSION));
  });

  it('needs an embedding model and leaves nothing behind without one', async () => {
    const error = await rejection(stores.createVectorStore({ name: 'no model' }));
    expect(InvalidRequestError.isInstance(error)).toBe(true);
    expect(error.param).toBe('embedding_model');
    expect((await stores.listVectorStores()).data).toEqual([]);
  });

  it('uses the id the router chose, once', async () => {
    const store = await stores.createVectorStore({ id: 'vs_router_chosen', embedding_model: MODEL, embedding_dimension: DIMENSION });
    expect(store.id).toBe('vs_router_chosen');
    expect(ConflictError.isInstance(await rejection(stores.createVectorStore({ id: 'vs_router_chosen', embedding_model: MODEL })))).toBe(true);
  });

  it('refuses file_ids when the stack has no files API, before writing anything', async () => {
    const error = await rejection(stores.createVectorStore({ embedding_model: MODEL, file_ids: ['file-1'] }));
    expect(error.message).toMatch(/files API/);
    expect((await stores.listVectorStores()).data).toEqual([]);
    const store = await stores.createVectorStore({ embedding_model: MODEL });
    const attach = await rejection(stores.attachFile(store.id, { file_id: 'file-1' }));
    expect(attach).toMatchObject({ kind: 'invalid_request', param: 'file_id' });
    expect(attach.message).toMatch(/files API/);
  });

  it('updates name, metadata and expiry; null clears them', async () => {
    const store = await stores.createVectorStore({ name: 'old', metadata: { a: 1, b: 2 }, embedding_model: MODEL });
    const renamed = await stores.updateVectorStore(store.id, { name: 'new', metadata: { c: 3 }, expires_after: { anchor: 'last_active_at', days: 2 } });
    expect(renamed).toMatchObject({ name: 'new', metadata: { c: 3 }, expires_after: { anchor: 'last_active_at', days: 2 }, expires_at: now + 2 * 86_400 });
    const untouched = await stores.updateVectorStore(store.id, {});
    expect(untouched).toMatchObject({ name: 'new', metadata: { c: 3 } });
    const cleared = await stores.updateVectorStore(store.id, { name: null, metadata: null, expires_after: null });
    expect(cleared).toMatchObject({ name: null, metadata: {}, expires_after: null, expires_at: null });
    expect(await stores.retrieveVectorStore(store.id)).toEqual(cleared);
  });

  it('expires after the given days without activity; searching keeps it alive', async () => {
    const start = now;
    const store = await stores.createVectorStore({ embedding_model: MODEL, expires_after: { anchor: 'last_active_at', days: 1 } });
    expect(store.expires_at).toBe(start + 86_400);
    now = start + 86_000;
    const searched = await stores.searchVectorStore(store.id, { query: 'anything' });
    expect(searched.data).toEqual([]);
    expect(await stores.retrieveVectorStore(store.id)).toMatchObject({ last_active_at: now, expires_at: now + 86_400, status: 'completed' });
    now += 86_400;
    expect((await stores.retrieveVectorStore(store.id)).status).toBe('expired');
    const error = await rejection(stores.searchVectorStore(store.id, { query: 'anything' }));
    expect(error).toMatchObject({ kind: 'invalid_request', code: 'vector_store_expired' });
    expect(error.message).toContain(store.id);
    await stores.updateVectorStore(store.id, { expires_after: { anchor: 'last_active_at', days: 3 } });
    expect((await stores.retrieveVectorStore(store.id)).status).toBe('completed');
    now = start;
  });

  it('pages through stores by creation time', async () => {
    const start = now;
    const ids: string[] = [];
    for (let index = 0; index < 5; index += 1) {
      now = start + index;
      ids.push((await stores.createVectorStore({ name: `s${index}`, embedding_model: MODEL })).id);
    }
    now = start;
    const newest = await stores.listVectorStores({ limit: 2 });
    expect(newest.data.map((store) => store.id)).toEqual([ids[4], ids[3]]);
    expect(newest).toMatchObject({ object: 'list', first_id: ids[4], last_id: ids[3], has_more: true });
    const next = await stores.listVectorStores({ limit: 2, after: newest.last_id! });
    expect(next.data.map((store) => store.id)).toEqual([ids[2], ids[1]]);
    const last = await stores.listVectorStores({ limit: 2, after: next.last_id! });
    expect(last.data.map((store) => store.id)).toEqual([ids[0]]);
    expect(last.has_more).toBe(false);
    const ascending = await stores.listVectorStores({ order: 'asc', before: ids[3] });
    expect(ascending.data.map((store) => store.id)).toEqual(ids.slice(0, 3));
    expect((await stores.listVectorStores()).data).toHaveLength(5);
  });

  it('deletes a store with its index; unknown ids are 400 not_found errors naming the id', async () => {
    const store = await stores.createVectorStore({ embedding_model: MODEL, embedding_dimension: DIMENSION });
    await stores.insertChunks({ vector_store_id: store.id, chunks: [{ chunk_id: 'a', content: 'an apple a day', metadata: {} }] });
    expect(await backend.countChunks(store.id)).toBe(1);
    expect(await stores.deleteVectorStore(store.id)).toEqual({ id: store.id, object: 'vector_store.deleted', deleted: true });
    await expect(backend.countChunks(store.id)).rejects.toMatchObject({ code: 'not_found' });
    const missing = [
      stores.retrieveVectorStore(store.id),
      stores.deleteVectorStore(store.id),
      stores.updateVectorStore(store.id, { name: 'x' }),
      stores.searchVectorStore(store.id, { query: 'apple' }),
      stores.listFiles(store.id),
      stores.retrieveFile(store.id, 'file-1'),
      stores.retrieveFileBatch(store.id, 'vsfb_1'),
      stores.insertChunks({ vector_store_id: store.id, chunks: [{ chunk_id: 'a', content: 'x', metadata: {} }] }),
      stores.queryChunks({ vector_store_id: store.id, query: 'apple' }),
    ];
    for (const pending of missing) {
      const error = await rejection(pending);
      expect(InvalidRequestError.isInstance(error)).toBe(true);
      expect(error.code).toBe('not_found');
      expect(error.message).toContain(store.id);
    }
    const live = await stores.createVectorStore({ embedding_model: MODEL, embedding_dimension: DIMENSION });
    for (const pending of [
      stores.retrieveFile(live.id, 'file-nope'),
      stores.updateFile(live.id, 'file-nope', { attributes: {} }),
      stores.deleteFile(live.id, 'file-nope'),
      stores.retrieveFileContent(live.id, 'file-nope'),
    ]) {
      const error = await rejection(pending);
      expect(error).toMatchObject({ kind: 'invalid_request', code: 'not_found' });
      expect(error.message).toContain('file-nope');
    }
    for (const pending of [stores.retrieveFileBatch(live.id, 'vsfb_nope'), stores.cancelFileBatch(live.id, 'vsfb_nope'), stores.listFilesInBatch(live.id, 'vsfb_nope')]) {
      const error = await rejection(pending);
      expect(error).toMatchObject({ kind: 'invalid_request', code: 'not_found' });
      expect(error.message).toContain('vsfb_nope');
    }
  });
});

describe('raw chunks', () => {
  const texts = {
    volcano: 'Volcanoes erupt when magma rises through the crust and pours out as lava.',
    bread: 'To bake sourdough bread, feed the starter, knead the dough and let it rise overnight.',
    chess: 'In chess, castling moves the king two squares towards a rook.',
  };

  async function seeded(): Promise<string> {
    const store = await stores.createVectorStore({ embedding_model: MODEL });
    const [volcano] = await embed([texts.volcano]);
    const chunks: Chunk[] = [
      { chunk_id: 'volcano', content: texts.volcano, metadata: { document_id: 'doc-geo', topic: 'geology', year: 2020, nested: { x: 1 } }, embedding: volcano },
      { chunk_id: 'bread', content: [{ type: 'text', text: texts.bread }], metadata: { topic: 'cooking', year: 2023, filename: 'bread.md' } },
      { chunk_id: 'chess', content: texts.chess, metadata: { topic: 'games', year: 2021 }, embedding: null, chunk_metadata: null },
    ];
    await stores.insertChunks({ vector_store_id: store.id, chunks });
    return store.id;
  }

  it('embeds chunks that come without an embedding and finds them by meaning', async () => {
    const id = await seeded();
    expect(await backend.countChunks(id)).toBe(3);
    const result = await stores.queryChunks({ vector_store_id: id, query: 'how do I make a loaf at home?' });
    expect(queryChunksResponseSchema.parse(result)).toBeTruthy();
    expect(result.chunks[0]?.chunk_id).toBe('bread');
    expect(result.chunks).toHaveLength(3);
    expect(result.scores).toHaveLength(3);
    for (let index = 1; index < result.scores.length; index += 1) expect(result.scores[index - 1]).toBeGreaterThanOrEqual(result.scores[index] as number);
    for (const chunk of result.chunks) expect(chunk).not.toHaveProperty('embedding');
    expect(result.chunks[0]?.content).toEqual([{ type: 'text', text: texts.bread }]);
    const volcano = await stores.queryChunks({ vector_store_id: id, query: 'molten rock from a mountain', params: { max_chunks: 1 } });
    expect((await stores.queryChunks({ vector_store_id: id, query: 'king and rook', params: null })).chunks[0]?.chunk_id).toBe('chess');
    expect(volcano.chunks.map((chunk) => chunk.chunk_id)).toEqual(['volcano']);
    expect(volcano.chunks[0]?.metadata).toEqual({ document_id: 'doc-geo', topic: 'geology', year: 2020, nested: { x: 1 } });
  });

  it('filters on scalar metadata, searches by keyword and hybrid, and applies the score threshold', async () => {
    const id = await seeded();
    const recent = await stores.queryChunks({ vector_store_id: id, query: 'lava', params: { filters: { type: 'gte', key: 'year', value: 2021 } } });
    expect(new Set(recent.chunks.map((chunk) => chunk.chunk_id))).toEqual(new Set(['bread', 'chess']));
    const keyword = await stores.queryChunks({ vector_store_id: id, query: 'king rook', params: { mode: 'keyword' } });
    expect(keyword.chunks.map((chunk) => chunk.chunk_id)).toEqual(['chess']);
    const hybrid = await stores.queryChunks({ vector_store_id: id, query: 'lava', params: { mode: 'hybrid', ranker: { type: 'rrf', impact_factor: 10 } } });
    expect(hybrid.chunks[0]?.chunk_id).toBe('volcano');
    expect(hybrid.scores[0]).toBeCloseTo(2 / 11, 6);
    const weighted = await stores.queryChunks({ vector_store_id: id, query: 'lava', params: { mode: 'hybrid', ranker: { type: 'weighted', alpha: 0 } } });
    expect(weighted.chunks[0]?.chunk_id).toBe('volcano');
    expect(weighted.scores[0]).toBeCloseTo(1, 6);
    const strict = await stores.queryChunks({ vector_store_id: id, query: texts.chess, params: { score_threshold: 0.9 } });
    expect(strict.chunks.map((chunk) => chunk.chunk_id)).toEqual(['chess']);
  });

  it('replaces a chunk inserted again under the same id', async () => {
    const id = await seeded();
    await stores.insertChunks({ vector_store_id: id, chunks: [{ chunk_id: 'chess', content: 'Checkmate ends the game of chess.', metadata: { topic: 'games' } }] });
    expect(await backend.countChunks(id)).toBe(3);
    const result = await stores.queryChunks({ vector_store_id: id, query: 'checkmate', params: { mode: 'keyword' } });
    expect(result.chunks.map((chunk) => chunk.content)).toEqual(['Checkmate ends the game of chess.']);
  });

  it('refuses an embedding of the wrong length, naming the chunk, and stores nothing', async () => {
    const store = await stores.createVectorStore({ embedding_model: MODEL, embedding_dimension: DIMENSION });
    const error = await rejection(
      stores.insertChunks({
        vector_store_id: store.id,
        chunks: [
          { chunk_id: 'ok', content: 'fine', metadata: {} },
          { chunk_id: 'bad', content: 'wrong', metadata: {}, embedding: [0.1, 0.2] },
        ],
      }),
    );
    expect(InvalidRequestError.isInstance(error)).toBe(true);
    expect(error.param).toBe('chunks[1].embedding');
    expect(error.message).toMatch(/chunks\[1\]\.embedding has 2 dimensions/);
    expect(await backend.countChunks(store.id)).toBe(0);
  });

  it('answers vector store searches over raw chunks, echoing the query', async () => {
    const id = await seeded();
    const result = await stores.searchVectorStore(id, { query: ['baking', 'sourdough'], max_num_results: 2 });
    expect(searchResponseSchema.strict().parse(result)).toBeTruthy();
    expect(result.search_query).toEqual(['baking', 'sourdough']);
    expect(result.data).toHaveLength(2);
    expect(result.data[0]).toEqual({
      file_id: '',
      filename: 'bread.md',
      score: expect.any(Number),
      attributes: { topic: 'cooking', year: 2023, filename: 'bread.md' },
      content: [{ type: 'text', text: texts.bread }],
    });
    const geology = await stores.searchVectorStore(id, { query: 'lava flows', filters: { type: 'eq', key: 'topic', value: 'geology' } });
    expect(geology.data.map((hit) => [hit.file_id, hit.filename])).toEqual([['doc-geo', '']]);
    const rewritten = await stores.searchVectorStore(id, { query: 'What is castling in chess?', rewrite_query: true, search_mode: 'keyword' });
    expect(rewritten.search_query).toBe('castling chess');
    expect(rewritten.data[0]?.content[0]?.text).toBe(texts.chess);
    const invalid = await rejection(stores.searchVectorStore(id, { query: 'x', max_num_results: 0 }));
    expect(invalid).toMatchObject({ kind: 'invalid_request', param: 'max_num_results' });
  });

  it('rewrites queries with the configured chat model', async () => {
    const prompts: string[] = [];
    const rewriting = {
      embeddings: inference.embeddings,
      chatCompletion: async (request: { model: string; messages: Array<{ content?: unknown }> }): Promise<ChatCompletion> => {
        prompts.push(String(request.messages.at(-1)?.content));
        return {
          id: 'chatcmpl-rewrite',
          object: 'chat.completion',
          created: 0,
          model: request.model,
          choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'castling rule\nExplanation: …' } }],
        };
      },
    };
    const kv = await storage.storage.kv({ backend: 'kv_test', namespace: 'rewrite' });
    const withModel = await createVectorStoreProvider({ providerId: 'rw', backend: createMemoryIndexBackend(), kv, inference: rewriting, logger: silentLogger, rewriteQueryModel: 'rewriter' });
    try {
      const store = await withModel.createVectorStore({ embedding_model: MODEL, embedding_dimension: DIMENSION });
      await withModel.insertChunks({ vector_store_id: store.id, chunks: [{ chunk_id: 'chess', content: texts.chess, metadata: {} }] });
      const result = await withModel.searchVectorStore(store.id, { query: 'Can the king jump over pieces?', rewrite_query: true });
      expect(prompts).toEqual(['Can the king jump over pieces?']);
      expect(result.search_query).toBe('castling rule');
      expect(result.data[0]?.content[0]?.text).toBe(texts.chess);
    } finally {
      await withModel.close();
    }
  });

});
