import { join } from 'node:path';
import { createRequestContext, silentLogger, uploadedFileFrom, type RequestContext } from '@stack/core';
import { providerTestDependencies } from '@stack/core/testing';
import { chunkText } from '@stack/document-processing';
import type { FilesApi } from '@stack/files-api';
import { localFsFilesConfigSchema, providerSpec as localFsSpec, type LocalFsFilesProvider } from '@stack/files-localfs';
import type { EmbeddingsRequest, EmbeddingsResponse } from '@stack/inference-api';
import {
  fileBatchObjectSchema,
  searchResponseSchema,
  vectorStoreFileObjectSchema,
  vectorStoreObjectSchema,
  type VectorIndexBackend,
  type VectorStoreFileObject,
} from '@stack/vector-io-api';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { VectorStoreInference } from '../src/embedder.js';
import { createMemoryIndexBackend, createVectorStoreProvider, fileChunkId, type VectorStoreProvider, type VectorStoreProviderOptions } from '../src/index.js';
import { createTestStorage, DIMENSION, localInference, MODEL, rejection, surviveClose, waitFor, type TestStorage } from './support.js';

const documents = {
  volcano: 'Volcanoes form where magma from the mantle rises through cracks in the crust. During an eruption, lava, ash and gas pour out of the vent.',
  bread: 'To bake sourdough bread, feed the starter the day before, mix flour, water and salt, knead the dough and let it rise overnight before baking it in a hot oven.',
  chess: 'In chess, castling is a special move of the king and a rook. The king moves two squares towards the rook, which jumps over to the other side.',
};

const { inference: local, provider: encoder } = localInference();
let storage: TestStorage;
let files: LocalFsFilesProvider;
const opened: VectorStoreProvider[] = [];
const gates: Gate[] = [];

beforeAll(async () => {
  storage = await createTestStorage();
  const config = localFsFilesConfigSchema.parse({ storage_dir: join(storage.dir, 'files'), metadata_store: { backend: 'sql_test', table_name: 'files' } });
  files = await localFsSpec.create(config, providerTestDependencies('localfs', { storage: storage.storage }));
});

afterEach(async () => {
  for (const gate of gates.splice(0)) gate.open();
  for (const provider of opened.splice(0)) await provider.close();
});

afterAll(async () => {
  await files?.close();
  await encoder.close();
  await storage.cleanup();
});

async function upload(filename: string, data: string | Uint8Array, contentType?: string): Promise<string> {
  const file = await files.uploadFile({ file: uploadedFileFrom(data, filename, contentType), fields: { purpose: 'assistants' } });
  return file.id;
}

async function openProvider(overrides: Partial<VectorStoreProviderOptions> = {}): Promise<{ stores: VectorStoreProvider; backend: VectorIndexBackend }> {
  const backend = overrides.backend ?? createMemoryIndexBackend();
  const kv = overrides.kv ?? (await storage.storage.kv({ backend: 'kv_test', namespace: `ns_${Math.random().toString(36).slice(2)}` }));
  const stores = await createVectorStoreProvider({ providerId: 'memory', inference: local, files, logger: silentLogger, ...overrides, backend, kv });
  opened.push(stores);
  return { stores, backend };
}

async function settled(stores: VectorStoreProvider, storeId: string, fileId: string): Promise<VectorStoreFileObject> {
  return waitFor(async () => {
    const file = await stores.retrieveFile(storeId, fileId);
    return file.status === 'in_progress' ? undefined : file;
  });
}

/**
 * Embeddings that stop at a closed gate until it opens, deaf to abort signals like a stuck
 * upstream. `closeAfter(n)` lets n more calls through first.
 */
interface Gate {
  inference: VectorStoreInference;
  close(): void;
  closeAfter(calls: number): void;
  open(): void;
  /** Resolves once `count` calls in all have stopped at the gate (default 1). */
  reached(count?: number): Promise<void>;
  /** Embeddings calls in flight at once, at most. */
  peak(): number;
}

function gate(): Gate {
  let passes = Number.POSITIVE_INFINITY;
  let waiting: Array<() => void> = [];
  let arrivals: Array<{ count: number; resolve: () => void }> = [];
  let stopped = 0;
  let inFlight = 0;
  let peak = 0;
  const control: Gate = {
    inference: {
      embeddings: async (request: EmbeddingsRequest, context?: RequestContext): Promise<EmbeddingsResponse> => {
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        try {
          if (passes <= 0) {
            stopped += 1;
            arrivals = arrivals.filter((arrival) => (arrival.count <= stopped ? (arrival.resolve(), false) : true));
            await new Promise<void>((resolve) => waiting.push(resolve));
          } else {
            passes -= 1;
          }
          return await local.embeddings(request, context ?? createRequestContext());
        } finally {
          inFlight -= 1;
        }
      },
      chatCompletion: local.chatCompletion,
    },
    close: () => {
      passes = 0;
    },
    closeAfter: (calls) => {
      passes = calls;
    },
    open: () => {
      passes = Number.POSITIVE_INFINITY;
      const released = waiting;
      waiting = [];
      for (const resolve of released) resolve();
    },
    reached: (count = 1) => (stopped >= count ? Promise.resolve() : new Promise<void>((resolve) => arrivals.push({ count, resolve }))),
    peak: () => peak,
  };
  gates.push(control);
  return control;
}

describe('ingestion and search', () => {
  let stores: VectorStoreProvider;
  let backend: VectorIndexBackend;
  let storeId: string;
  const ids: Record<keyof typeof documents, string> = { volcano: '', bread: '', chess: '' };

  beforeAll(async () => {
    ids.volcano = await upload('volcano.txt', documents.volcano, 'text/plain');
    ids.bread = await upload('bread.md', documents.bread);
    ids.chess = await upload('chess.txt', documents.chess, 'text/plain');
  });

  afterAll(async () => {
    await stores?.close();
  });

  it('ingests the files given at creation and finds the right one by meaning', async () => {
    ({ stores, backend } = await openProvider());
    // Shared by the tests of this block, so kept open past afterEach.
    opened.splice(opened.indexOf(stores), 1);
    const created = await stores.createVectorStore({ name: 'topics', embedding_model: MODEL, file_ids: [ids.volcano, ids.bread, ids.chess] });
    storeId = created.id;
    expect(created.status).toBe('in_progress');
    expect(created.file_counts).toMatchObject({ in_progress: 3, total: 3 });
    for (const id of Object.values(ids)) expect(await settled(stores, storeId, id)).toMatchObject({ status: 'completed', last_error: null });
    const store = await stores.retrieveVectorStore(storeId);
    expect(vectorStoreObjectSchema.strict().parse(store)).toEqual(store);
    expect(store).toMatchObject({ status: 'completed', file_counts: { completed: 3, in_progress: 0, failed: 0, total: 3 } });
    const textBytes = Object.values(documents).reduce((sum, text) => sum + Buffer.byteLength(text), 0);
    expect(store.usage_bytes).toBe(textBytes);
    expect(await backend.countChunks(storeId)).toBe(3);

    const result = await stores.searchVectorStore(storeId, { query: 'How do I make a loaf at home?' });
    expect(searchResponseSchema.strict().parse(result)).toEqual(result);
    expect(result.search_query).toBe('How do I make a loaf at home?');
    expect(result.data[0]).toMatchObject({ file_id: ids.bread, filename: 'bread.md', attributes: {}, content: [{ type: 'text', text: documents.bread }] });
    expect(result.data).toHaveLength(3);
    const eruption = await stores.searchVectorStore(storeId, { query: 'molten rock coming out of a mountain', max_num_results: 1 });
    expect(eruption.data.map((hit) => hit.filename)).toEqual(['volcano.txt']);
  });

  it('searches by keyword and hybrid, with a score threshold', async () => {
    const keyword = await stores.searchVectorStore(storeId, { query: 'rook', search_mode: 'keyword' });
    expect(keyword.data.map((hit) => hit.file_id)).toEqual([ids.chess]);
    expect(keyword.data[0]?.score).toBeGreaterThan(0);
    const hybrid = await stores.searchVectorStore(storeId, { query: 'lava eruption', search_mode: 'hybrid' });
    expect(hybrid.data[0]?.file_id).toBe(ids.volcano);
    expect(hybrid.data[0]?.score).toBeCloseTo(2 / 61, 6);
    const weighted = await stores.searchVectorStore(storeId, { query: 'lava eruption', search_mode: 'hybrid', ranking_options: { ranker: 'weighted', alpha: 0.5 } });
    expect(weighted.data[0]).toMatchObject({ file_id: ids.volcano, score: expect.closeTo(1, 6) });
    const strict = await stores.searchVectorStore(storeId, { query: documents.chess, ranking_options: { score_threshold: 0.9 } });
    expect(strict.data.map((hit) => hit.file_id)).toEqual([ids.chess]);
  });

  it('answers a file’s content chunk by chunk and its chunks carry their metadata', async () => {
    const content = await stores.retrieveFileContent(storeId, ids.bread);
    expect(content).toEqual({ object: 'vector_store.file_content.page', data: [{ type: 'text', text: documents.bread }], has_more: false, next_page: null });
    const raw = await stores.queryChunks({ vector_store_id: storeId, query: 'sourdough starter', params: { max_chunks: 1 } });
    const chunkId = fileChunkId(ids.bread, 0);
    expect(raw.chunks[0]).toMatchObject({
      chunk_id: chunkId,
      metadata: { file_id: ids.bread, filename: 'bread.md', document_id: ids.bread, chunk_index: 0 },
      chunk_metadata: {
        chunk_id: chunkId,
        document_id: ids.bread,
        chunk_tokenizer: 'tiktoken:cl100k_base',
        chunk_embedding_model: MODEL,
        chunk_embedding_dimension: DIMENSION,
        content_token_count: expect.any(Number),
        created_timestamp: expect.any(Number),
      },
    });
  });

  it('returns an attached file unchanged when it is attached again', async () => {
    const before = await stores.retrieveFile(storeId, ids.chess);
    const again = await stores.attachFile(storeId, { file_id: ids.chess, attributes: { ignored: true } });
    expect(again).toEqual(before);
    expect(vectorStoreFileObjectSchema.strict().parse(again)).toEqual(again);
    expect(again.chunking_strategy).toEqual({ type: 'static', static: { max_chunk_size_tokens: 800, chunk_overlap_tokens: 400 } });
  });

  it('filters on attributes, and updating them changes what filters see', async () => {
    await stores.updateFile(storeId, ids.volcano, { attributes: { topic: 'science', year: 2020 } });
    const updated = await stores.updateFile(storeId, ids.chess, { attributes: { topic: 'games', year: 2024 } });
    expect(updated.attributes).toEqual({ topic: 'games', year: 2024 });
    const games = await stores.searchVectorStore(storeId, { query: 'volcano lava', filters: { type: 'eq', key: 'topic', value: 'games' } });
    expect(games.data.map((hit) => hit.file_id)).toEqual([ids.chess]);
    expect(games.data[0]?.attributes).toEqual({ topic: 'games', year: 2024 });
    const recent = await stores.searchVectorStore(storeId, { query: 'anything', filters: { type: 'gte', key: 'year', value: 2021 } });
    expect(recent.data.map((hit) => hit.file_id)).toEqual([ids.chess]);
    await stores.updateFile(storeId, ids.chess, { attributes: { topic: 'science', year: 2024 } });
    const science = await stores.searchVectorStore(storeId, { query: 'a question', filters: { type: 'eq', key: 'topic', value: 'science' } });
    expect(new Set(science.data.map((hit) => hit.file_id))).toEqual(new Set([ids.volcano, ids.chess]));
    expect((await stores.retrieveFile(storeId, ids.chess)).attributes).toEqual({ topic: 'science', year: 2024 });
  });

  it('pages through files and filters them by status', async () => {
    const all = await stores.listFiles(storeId, { limit: 2, order: 'asc' });
    expect(all.data).toHaveLength(2);
    expect(all.has_more).toBe(true);
    const rest = await stores.listFiles(storeId, { limit: 2, order: 'asc', after: all.last_id! });
    expect(rest.data).toHaveLength(1);
    expect(rest.has_more).toBe(false);
    expect(new Set([...all.data, ...rest.data].map((file) => file.id))).toEqual(new Set(Object.values(ids)));
    expect((await stores.listFiles(storeId, { filter: 'completed' })).data).toHaveLength(3);
    expect((await stores.listFiles(storeId, { filter: 'failed' })).data).toEqual([]);
  });

  it('deleting a file removes its chunks from search', async () => {
    expect(await stores.deleteFile(storeId, ids.volcano)).toEqual({ id: ids.volcano, object: 'vector_store.file.deleted', deleted: true });
    const result = await stores.searchVectorStore(storeId, { query: 'lava eruption volcano' });
    expect(result.data.map((hit) => hit.file_id)).not.toContain(ids.volcano);
    expect(await backend.countChunks(storeId)).toBe(2);
    expect((await stores.retrieveVectorStore(storeId)).file_counts).toMatchObject({ completed: 2, total: 2 });
    expect((await rejection(stores.retrieveFile(storeId, ids.volcano))).code).toBe('not_found');
  });
});

describe('failures', () => {
  it('fails an unreadable file alone, with last_error, while the others complete', async () => {
    const { stores, backend } = await openProvider();
    const good = await upload('good.txt', documents.chess, 'text/plain');
    const image = await upload('photo.png', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]), 'image/png');
    const broken = await upload('broken.pdf', '%PDF-1.7\nthis is not really a pdf', 'application/pdf');
    const empty = await upload('empty.txt', '   \n', 'text/plain');
    const store = await stores.createVectorStore({ embedding_model: MODEL, embedding_dimension: DIMENSION, file_ids: [image, good, broken, empty] });
    await stores.idle();
    expect(await stores.retrieveFile(store.id, good)).toMatchObject({ status: 'completed', last_error: null });
    expect(await stores.retrieveFile(store.id, image)).toMatchObject({ status: 'failed', last_error: { code: 'unsupported_file', message: expect.any(String) }, usage_bytes: 0 });
    expect(await stores.retrieveFile(store.id, broken)).toMatchObject({ status: 'failed', last_error: { code: 'invalid_file' } });
    expect(await stores.retrieveFile(store.id, empty)).toMatchObject({ status: 'failed', last_error: { code: 'invalid_file' } });
    expect(await stores.retrieveVectorStore(store.id)).toMatchObject({ status: 'completed', file_counts: { completed: 1, failed: 3, total: 4 } });
    expect(await backend.countChunks(store.id)).toBe(1);
    const failed = await stores.listFiles(store.id, { filter: 'failed' });
    expect(new Set(failed.data.map((file) => file.id))).toEqual(new Set([image, broken, empty]));
  });

  it('reports an embedding failure as a server error', async () => {
    const failing: VectorStoreInference = {
      embeddings: async () => {
        throw new Error('connection refused by upstream at 10.0.0.1');
      },
      chatCompletion: local.chatCompletion,
    };
    const { stores } = await openProvider({ inference: failing });
    const store = await stores.createVectorStore({ embedding_model: MODEL, embedding_dimension: DIMENSION, file_ids: [await upload('a.txt', 'alpha')] });
    await stores.idle();
    const [file] = (await stores.listFiles(store.id)).data;
    // Errors outside the closed set are reported without their details.
    expect(file).toMatchObject({ status: 'failed', last_error: { code: 'server_error', message: 'An internal error occurred while indexing the file.' } });
  });

  it('checks every file before creating anything', async () => {
    const { stores } = await openProvider();
    const good = await upload('ok.txt', 'fine');
    const error = await rejection(stores.createVectorStore({ embedding_model: MODEL, embedding_dimension: DIMENSION, file_ids: [good, 'file-missing'] }));
    expect(error).toMatchObject({ kind: 'invalid_request', code: 'not_found', param: 'file_ids[1]' });
    expect(error.message).toContain('file-missing');
    expect((await stores.listVectorStores()).data).toEqual([]);
    const store = await stores.createVectorStore({ embedding_model: MODEL, embedding_dimension: DIMENSION });
    expect(await rejection(stores.attachFile(store.id, { file_id: 'file-missing' }))).toMatchObject({ code: 'not_found', param: 'file_id' });
    const batch = await rejection(stores.createFileBatch(store.id, { files: [{ file_id: good }, { file_id: 'file-missing' }] }));
    expect(batch).toMatchObject({ code: 'not_found', param: 'files[1].file_id' });
    expect((await stores.listFiles(store.id)).data).toEqual([]);
  });
});

describe('file batches', () => {
  it('attaches files with per-file and batch-level attributes, lists and counts them', async () => {
    const { stores } = await openProvider();
    const store = await stores.createVectorStore({ embedding_model: MODEL, embedding_dimension: DIMENSION });
    const a = await upload('a.txt', documents.volcano);
    const b = await upload('b.txt', documents.bread);
    const c = await upload('c.txt', documents.chess);
    const batch = await stores.createFileBatch(store.id, {
      files: [{ file_id: a, attributes: { kind: 'special' } }, { file_id: b }, { file_id: c, chunking_strategy: { type: 'static', static: { max_chunk_size_tokens: 100, chunk_overlap_tokens: 0 } } }],
      attributes: { kind: 'default' },
    });
    expect(fileBatchObjectSchema.strict().parse(batch)).toEqual(batch);
    expect(batch.id).toMatch(/^vsfb_[0-9a-f]{24,}$/);
    expect(batch).toMatchObject({ vector_store_id: store.id, status: 'in_progress', file_counts: { in_progress: 3, total: 3 } });
    await stores.idle();
    expect(await stores.retrieveFileBatch(store.id, batch.id)).toMatchObject({ status: 'completed', file_counts: { completed: 3, total: 3 } });
    expect((await stores.retrieveFile(store.id, a)).attributes).toEqual({ kind: 'special' });
    expect((await stores.retrieveFile(store.id, b)).attributes).toEqual({ kind: 'default' });
    expect((await stores.retrieveFile(store.id, c)).chunking_strategy).toEqual({ type: 'static', static: { max_chunk_size_tokens: 100, chunk_overlap_tokens: 0 } });
    const page = await stores.listFilesInBatch(store.id, batch.id, { limit: 2 });
    expect(page.data).toHaveLength(2);
    expect(page.has_more).toBe(true);
    const next = await stores.listFilesInBatch(store.id, batch.id, { limit: 2, after: page.last_id! });
    expect(new Set([...page.data, ...next.data].map((file) => file.id))).toEqual(new Set([a, b, c]));
    expect((await stores.listFilesInBatch(store.id, batch.id, { filter: 'in_progress' })).data).toEqual([]);
    const other = await stores.createFileBatch(store.id, { file_ids: [c] });
    expect((await stores.listFilesInBatch(store.id, other.id)).data.map((file) => file.id)).toEqual([c]);
    expect((await stores.retrieveVectorStore(store.id)).file_counts.total).toBe(3);
  });

  it('cancel stops unfinished files, removes their chunks and keeps finished ones', async () => {
    const blocker = gate();
    const { stores, backend } = await openProvider({ inference: blocker.inference, maxConcurrentFiles: 1 });
    const store = await stores.createVectorStore({ embedding_model: MODEL, embedding_dimension: DIMENSION });
    const done = await upload('done.txt', documents.volcano);
    await stores.attachFile(store.id, { file_id: done });
    await stores.idle();
    blocker.close();
    const running = await upload('running.txt', documents.bread);
    const queued = await upload('queued.txt', documents.chess);
    const batch = await stores.createFileBatch(store.id, { file_ids: [done, running, queued] });
    expect(batch).toMatchObject({ status: 'in_progress', file_counts: { completed: 1, in_progress: 2, total: 3 } });
    await blocker.reached();
    const cancelled = await stores.cancelFileBatch(store.id, batch.id);
    expect(cancelled).toMatchObject({ status: 'cancelled', file_counts: { completed: 1, cancelled: 2, in_progress: 0, total: 3 } });
    blocker.open();
    await stores.idle();
    expect((await stores.retrieveFile(store.id, running)).status).toBe('cancelled');
    expect((await stores.retrieveFile(store.id, queued)).status).toBe('cancelled');
    expect((await stores.retrieveFile(store.id, done)).status).toBe('completed');
    expect(await backend.countChunks(store.id)).toBe(1);
    expect((await stores.listFilesInBatch(store.id, batch.id, { filter: 'cancelled' })).data.map((file) => file.id).sort()).toEqual([queued, running].sort());
    expect(await stores.retrieveFileBatch(store.id, batch.id)).toMatchObject({ status: 'cancelled' });
  });

  it('never ingests more than max_concurrent_files files at once', async () => {
    const counter = gate();
    const { stores } = await openProvider({ inference: counter.inference, maxConcurrentFiles: 2 });
    const store = await stores.createVectorStore({ embedding_model: MODEL, embedding_dimension: DIMENSION });
    const fileIds = await Promise.all(['one', 'two', 'three', 'four', 'five'].map((name) => upload(`${name}.txt`, `${documents.chess} (${name})`)));
    await stores.createFileBatch(store.id, { file_ids: fileIds });
    await stores.idle();
    expect((await stores.listFiles(store.id, { filter: 'completed' })).data).toHaveLength(5);
    expect(counter.peak()).toBeLessThanOrEqual(2);
  });
});

describe('interrupted ingestion', () => {
  // About 300 tokens: four chunks of at most 100 tokens (the encoder is slow on long chunks).
  const longText = Array.from({ length: 50 }, (_, index) => `Birds ${index} migrate south.`).join(' ');
  const chunking = { type: 'static', static: { max_chunk_size_tokens: 100, chunk_overlap_tokens: 20 } } as const;
  const expected = chunkText(longText, { maxChunkSizeTokens: 100, chunkOverlapTokens: 20 });

  it('resumes after a restart and ends with exactly the expected chunks', async () => {
    expect(expected.length).toBeGreaterThanOrEqual(4);
    const kv = await storage.storage.kv({ backend: 'kv_test', namespace: 'resume' });
    const shared = createMemoryIndexBackend();
    const backend = surviveClose(shared);
    const fileId = await upload('birds.txt', longText);

    // First run: one batch of two chunks gets in, then embeddings stall and the server stops.
    const stall = gate();
    stall.closeAfter(1);
    const first = await openProvider({ kv, backend, inference: stall.inference, embeddingBatchSize: 2 });
    const store = await first.stores.createVectorStore({ embedding_model: MODEL, embedding_dimension: DIMENSION });
    await first.stores.attachFile(store.id, { file_id: fileId, chunking_strategy: chunking, attributes: { lang: 'en' } });
    await stall.reached();
    expect(await shared.countChunks(store.id)).toBe(2);
    await first.stores.close();

    // Second run, stalled from the start: the file is still in progress, nothing marked failed.
    const stuck = gate();
    stuck.close();
    const second = await openProvider({ kv, backend, inference: stuck.inference });
    expect(await second.stores.retrieveFile(store.id, fileId)).toMatchObject({ status: 'in_progress', last_error: null });
    expect((await second.stores.retrieveVectorStore(store.id)).status).toBe('in_progress');
    await stuck.reached();
    await second.stores.close();

    // Third run finishes the file.
    const third = await openProvider({ kv, backend });
    const file = await settled(third.stores, store.id, fileId);
    expect(file).toMatchObject({ status: 'completed', attributes: { lang: 'en' }, usage_bytes: Buffer.byteLength(longText) });
    expect(await shared.countChunks(store.id)).toBe(expected.length);
    const content = await third.stores.retrieveFileContent(store.id, fileId);
    expect(content.data.map((item) => item.text)).toEqual(expected.map((chunk) => chunk.text));
    const hits = await third.stores.searchVectorStore(store.id, { query: 'birds migrate', max_num_results: 50, filters: { type: 'eq', key: 'lang', value: 'en' } });
    expect(hits.data).toHaveLength(expected.length);
  });

  it('deleting a store or a file mid-ingestion stops it and leaves nothing behind', async () => {
    const blocker = gate();
    blocker.close();
    const { stores, backend } = await openProvider({ inference: blocker.inference });
    const store = await stores.createVectorStore({ embedding_model: MODEL, embedding_dimension: DIMENSION });
    const fileId = await upload('slow.txt', longText);
    await stores.attachFile(store.id, { file_id: fileId, chunking_strategy: chunking });
    await blocker.reached();
    await stores.deleteFile(store.id, fileId);
    expect((await stores.listFiles(store.id)).data).toEqual([]);
    await stores.attachFile(store.id, { file_id: fileId, chunking_strategy: chunking });
    await blocker.reached(2);
    await stores.deleteVectorStore(store.id);
    blocker.open();
    await stores.idle();
    expect((await stores.listVectorStores()).data).toEqual([]);
    await expect(backend.countChunks(store.id)).rejects.toMatchObject({ code: 'not_found' });
  });
});
