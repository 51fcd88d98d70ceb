import type { KVStore } from '@stack/core';
import type { IndexedChunk, VectorIndexBackend } from '@stack/vector-io-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFaissBackend, type FaissBackendOptions } from '../src/index.js';
import { randomVectors, recordingLogger, tempKV, type RecordingLogger, type TempKV } from './support.js';

const DIMENSION = 16;
const VECTORS = randomVectors(400, DIMENSION, 31);

function chunk(index: number, extra: Partial<IndexedChunk> = {}): IndexedChunk {
  const chunkId = `c${index}`;
  return {
    chunkId,
    text: `chunk number ${index} word${index % 10}`,
    embedding: VECTORS[index % VECTORS.length] as Float32Array,
    attributes: { group: index % 4 },
    chunk: { chunk_id: chunkId, content: `chunk number ${index}`, metadata: { index } },
    fileId: `file-${index % 5}`,
    position: index,
    ...extra,
  };
}

const all = (count: number, from = 0) => Array.from({ length: count }, (_, index) => chunk(from + index));

async function logKeys(kv: KVStore, id: string, kind = 'log'): Promise<string[]> {
  const prefix = `faiss:v1:${kind}:${encodeURIComponent(id)}:`;
  return kv.keysInRange(prefix, `${prefix}\uffff`);
}

function loadedReport(logger: RecordingLogger, id: string): Record<string, unknown> | undefined {
  return logger.entries.filter((entry) => entry.message === 'Loaded faiss vector index.' && entry.fields?.vectorStoreId === id).at(-1)?.fields;
}

describe('inline::faiss persistence', () => {
  let store: TempKV;
  const open: VectorIndexBackend[] = [];

  beforeEach(async () => {
    store = await tempKV();
  });

  afterEach(async () => {
    for (const backend of open.splice(0)) await backend.close().catch(() => undefined);
    await store.cleanup();
  });

  async function backend(options: Partial<FaissBackendOptions> = {}): Promise<VectorIndexBackend> {
    const created = await createFaissBackend({ kv: await store.reopen(), ...options });
    open.push(created);
    return created;
  }

  async function newIndex(target: VectorIndexBackend, id = 'vs_test'): Promise<string> {
    await target.createIndex({ vectorStoreId: id, dimension: DIMENSION, embeddingModel: 'test-model' });
    return id;
  }

  it('makes writes durable when they resolve (a second backend sees them without a close)', async () => {
    const first = await backend();
    const id = await newIndex(first);
    await first.upsertChunks(id, all(50));
    await first.deleteChunks(id, { fileId: 'file-0' });
    await first.updateFileAttributes(id, 'file-1', { group: 'moved' });
    const second = await backend();
    expect(await second.countChunks(id)).toBe(40);
    const moved = await second.query(id, { mode: 'keyword', text: 'chunk', k: 100, filters: { type: 'eq', key: 'group', value: 'moved' } });
    expect(moved.map((hit) => hit.chunkId).sort()).toEqual(all(50).filter((item) => item.fileId === 'file-1').map((item) => item.chunkId).sort());
    const [nearest] = await second.query(id, { mode: 'vector', embedding: VECTORS[7] as Float32Array, k: 1 });
    expect(nearest?.chunkId).toBe('c7');
    expect(nearest?.chunk).toEqual(chunk(7).chunk);
    expect(await second.listFileChunks(id, 'file-2')).toEqual(all(50).filter((item) => item.fileId === 'file-2').map((item) => item.chunk));
  });

  it('writes one log batch per call and replays it all-or-nothing: an interrupted batch is discarded', async () => {
    const first = await backend();
    const id = await newIndex(first);
    await first.upsertChunks(id, all(10));
    const keys = await logKeys(store.kv, id);
    expect(keys).toHaveLength(1);
    // A batch whose last part never arrived (a crash mid-write): no part declares the count.
    const orphan = `faiss:v1:log:${encodeURIComponent(id)}:000000000009:000000`;
    const put = { op: 'put', id: 'ghost', rev: 9, chunk: { chunk_id: 'ghost', content: 'ghost', metadata: {} }, text: 'ghost', embedding: '', attributes: {} };
    await store.kv.set(orphan, JSON.stringify({ seq: 9, part: 0, ops: [put] }));
    const logger = recordingLogger();
    const second = await backend({ logger });
    expect(await second.countChunks(id)).toBe(10);
    expect(await second.query(id, { mode: 'keyword', text: 'ghost', k: 5 })).toEqual([]);
    expect(logger.entries.some((entry) => entry.level === 'warn' && /incomplete/.test(entry.message))).toBe(true);
    expect(await store.kv.get(orphan)).toBeUndefined();
    // Later writes get sequence numbers past the discarded batch.
    await second.upsertChunks(id, [chunk(11)]);
    expect((await logKeys(store.kv, id)).at(-1)).toMatch(/:000000000010:000000$/);
  });

  it('leaves memory and storage untouched when a multi-part write fails half-way', async () => {
    let failAfter = Infinity;
    const real = store.kv;
    const flaky: KVStore = {
      ...real,
      get: (key) => real.get(key),
      keysInRange: (start, end) => real.keysInRange(start, end),
      entriesWithPrefix: (prefix) => real.entriesWithPrefix(prefix),
      valuesInRange: (start, end) => real.valuesInRange(start, end),
      delete: (key) => real.delete(key),
      async set(key, value, options) {
        if (key.includes(':log:') && failAfter-- <= 0) throw new Error('disk full');
        return real.set(key, value, options);
      },
    };
    const target = await createFaissBackend({ kv: flaky });
    open.push(target);
    const id = await newIndex(target);
    await target.upsertChunks(id, all(5));
    // Two and a half million characters each: three chunks make a batch of more than one part.
    const huge = 'x'.repeat(2_500_000);
    const big = [0, 1, 2].map((index) => chunk(100 + index, { text: `${huge} big${index}` }));
    failAfter = 1;
    await expect(target.upsertChunks(id, big)).rejects.toThrow(/disk full/);
    expect(await target.countChunks(id)).toBe(5);
    expect(await target.query(id, { mode: 'keyword', text: 'big1', k: 5 })).toEqual([]);
    expect(await logKeys(real, id)).toHaveLength(1);
    const reopened = await backend();
    expect(await reopened.countChunks(id)).toBe(5);
    failAfter = Infinity;
    await target.upsertChunks(id, big);
    expect(await target.countChunks(id)).toBe(8);
    expect((await logKeys(real, id)).length).toBeGreaterThanOrEqual(3);
  });

  it('compacts a log full of superseded versions, keeping chunks, revisions and attributes', async () => {
    const first = await backend();
    const id = await newIndex(first);
    await first.upsertChunks(id, all(5, 20).map((item) => ({ ...item, fileId: 'file-static' })));
    await first.updateFileAttributes(id, 'file-static', { group: 'static' });
    for (let round = 0; round < 60; round += 1) {
      await first.upsertChunks(id, all(20).map((item) => ({ ...item, text: `${item.text} round${round}` })));
    }
    // 1,200 puts for 25 live chunks passed the compaction bound: the log was rewritten.
    const keys = await logKeys(store.kv, id);
    expect(keys.length).toBeLessThan(60);
    const second = await backend();
    expect(await second.countChunks(id)).toBe(25);
    expect((await second.query(id, { mode: 'keyword', text: 'round59', k: 50 })).length).toBe(20);
    expect(await second.query(id, { mode: 'keyword', text: 'round58', k: 50 })).toEqual([]);
    const statics = await second.query(id, { mode: 'vector', embedding: VECTORS[3] as Float32Array, k: 50, filters: { type: 'eq', key: 'group', value: 'static' } });
    expect(statics.map((hit) => hit.chunkId).sort()).toEqual(['c20', 'c21', 'c22', 'c23', 'c24']);
    expect((await second.listFileChunks(id, 'file-static')).map((item) => item.chunk_id)).toEqual(['c20', 'c21', 'c22', 'c23', 'c24']);
  });

  it('restores an HNSW graph from its snapshot, re-inserting only what changed after it', async () => {
    const hnsw = { m: 8, efConstruction: 40, efSearch: 32 };
    const first = await backend({ indexType: 'hnsw', hnsw });
    const id = await newIndex(first);
    await first.upsertChunks(id, all(300));
    await first.close();
    expect(await store.kv.get(`faiss:v1:graph:${encodeURIComponent(id)}`)).toBeDefined();

    const logger = recordingLogger();
    const second = await backend({ indexType: 'hnsw', hnsw, logger });
    expect(await second.countChunks(id)).toBe(300);
    expect(loadedReport(logger, id)).toMatchObject({ index: 'hnsw', reinserted: 0 });
    // Changes after the snapshot, then a crash (no close): a deletion, a moved vector, a new chunk.
    await second.deleteChunks(id, { chunkIds: ['c10'] });
    await second.upsertChunks(id, [chunk(20, { embedding: VECTORS[399] as Float32Array }), chunk(350, { embedding: VECTORS[399] as Float32Array })]);

    const thirdLogger = recordingLogger();
    const third = await backend({ indexType: 'hnsw', hnsw, logger: thirdLogger });
    expect(await third.countChunks(id)).toBe(300);
    expect(loadedReport(thirdLogger, id)).toMatchObject({ index: 'hnsw', reinserted: 2 });
    const near399 = await third.query(id, { mode: 'vector', embedding: VECTORS[399] as Float32Array, k: 2 });
    expect(near399.map((hit) => hit.chunkId).sort()).toEqual(['c20', 'c350'].sort());
    expect((await third.query(id, { mode: 'vector', embedding: VECTORS[10] as Float32Array, k: 300 })).map((hit) => hit.chunkId)).not.toContain('c10');
    const [self] = await third.query(id, { mode: 'vector', embedding: VECTORS[123] as Float32Array, k: 1 });
    expect(self?.chunkId).toBe('c123');
  });

  it('snapshots a graph in the background once enough changed, without waiting for close', async () => {
    const vectors = randomVectors(1200, DIMENSION, 8);
    const first = await backend({ indexType: 'hnsw', hnsw: { m: 8, efConstruction: 32 } });
    const id = await newIndex(first);
    await first.upsertChunks(id, vectors.map((embedding, index) => chunk(index, { embedding })));
    const header = `faiss:v1:graph:${encodeURIComponent(id)}`;
    const deadline = Date.now() + 20_000;
    while ((await store.kv.get(header)) === undefined && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(JSON.parse((await store.kv.get(header)) as string)).toMatchObject({ nodes: 1200, m: 8, dimension: DIMENSION });
    const logger = recordingLogger();
    const second = await backend({ indexType: 'hnsw', hnsw: { m: 8, efConstruction: 32 }, logger });
    expect(await second.countChunks(id)).toBe(1200);
    expect(loadedReport(logger, id)).toMatchObject({ index: 'hnsw', reinserted: 0 });
    const [self] = await second.query(id, { mode: 'vector', embedding: vectors[777] as Float32Array, k: 1 });
    expect(self?.chunkId).toBe('c777');
  });

  it('serialises concurrent writes to one index and applies them all', async () => {
    const first = await backend({ indexType: 'hnsw' });
    const id = await newIndex(first);
    const writes = Array.from({ length: 20 }, (_, batch) => first.upsertChunks(id, all(10, batch * 10)));
    const reads = Array.from({ length: 10 }, () => first.query(id, { mode: 'vector', embedding: VECTORS[0] as Float32Array, k: 5 }));
    await Promise.all([...writes, ...reads, first.deleteChunks(id, { chunkIds: ['c5'] })]);
    // Writes run in call order: the delete, called last, removes c5 written by the first batch.
    expect(await first.countChunks(id)).toBe(199);
    const second = await backend();
    expect(await second.countChunks(id)).toBe(199);
    expect(await logKeys(store.kv, id)).toHaveLength(21);
  });

  it('rebuilds the graph when the snapshot was made with another m, and reloads flat indexes without one', async () => {
    const first = await backend({ indexType: 'hnsw', hnsw: { m: 8 } });
    const id = await newIndex(first);
    await first.upsertChunks(id, all(120));
    await first.close();
    const logger = recordingLogger();
    const second = await backend({ indexType: 'hnsw', hnsw: { m: 12 }, logger });
    expect(await second.countChunks(id)).toBe(120);
    expect(loadedReport(logger, id)).toMatchObject({ index: 'hnsw', reinserted: 120 });
    const flatLogger = recordingLogger();
    const flat = await backend({ indexType: 'flat', logger: flatLogger });
    expect(await flat.countChunks(id)).toBe(120);
    expect(loadedReport(flatLogger, id)).toMatchObject({ index: 'flat' });
  });

  it('switches an auto index to HNSW past the threshold, keeping answers exact meanwhile', async () => {
    const logger = recordingLogger();
    const first = await backend({ indexType: 'auto', autoThreshold: 50, hnsw: { m: 8, efConstruction: 40 }, logger });
    const id = await newIndex(first);
    await first.upsertChunks(id, all(40));
    const [before] = await first.query(id, { mode: 'vector', embedding: VECTORS[5] as Float32Array, k: 1 });
    expect(before?.chunkId).toBe('c5');
    await first.upsertChunks(id, all(30, 40));
    await first.close();
    expect(logger.entries.some((entry) => entry.message === 'faiss vector index switched to HNSW.')).toBe(true);
    const secondLogger = recordingLogger();
    const second = await backend({ indexType: 'auto', autoThreshold: 50, hnsw: { m: 8, efConstruction: 40 }, logger: secondLogger });
    const [after] = await second.query(id, { mode: 'vector', embedding: VECTORS[65] as Float32Array, k: 1 });
    expect(after?.chunkId).toBe('c65');
    expect(loadedReport(secondLogger, id)).toMatchObject({ index: 'hnsw', reinserted: 0 });
  });

  it('deleteIndex removes every key; createIndex ignores leftovers of an interrupted delete', async () => {
    const first = await backend({ indexType: 'hnsw' });
    const id = await newIndex(first);
    await first.upsertChunks(id, all(30));
    await first.close();
    const second = await backend({ indexType: 'hnsw' });
    await second.deleteIndex(id);
    const remaining = await store.kv.keysInRange('faiss:v1:', 'faiss:v1:\uffff');
    expect(remaining).toEqual([]);
    // A log batch left behind with no index record (the delete crashed after removing the record).
    await store.kv.set(`faiss:v1:log:${encodeURIComponent(id)}:000000000001:000000`, '{"seq":1,"part":0,"parts":1,"ops":[]}');
    await second.createIndex({ vectorStoreId: id, dimension: DIMENSION, embeddingModel: 'test-model' });
    expect(await logKeys(store.kv, id)).toEqual([]);
    expect(await second.countChunks(id)).toBe(0);
  });

  it('rejects bad input with errors that name it, and refuses work once closed', async () => {
    const target = await backend();
    const id = await newIndex(target);
    await expect(target.createIndex({ vectorStoreId: 'bad', dimension: 0, embeddingModel: 'm' })).rejects.toThrow(/dimension/);
    const nan = new Float32Array(DIMENSION).fill(Number.NaN);
    await expect(target.upsertChunks(id, [chunk(1, { embedding: nan })])).rejects.toThrow(/non-finite/);
    await expect(target.query(id, { mode: 'vector', embedding: nan, k: 1 })).rejects.toThrow(/non-finite/);
    await expect(target.query(id, { mode: 'vector', k: 1 })).rejects.toThrow(/embedding/);
    await expect(target.query(id, { mode: 'keyword', k: 1 })).rejects.toThrow(/text/);
    await expect(target.countChunks('missing')).rejects.toMatchObject({ code: 'not_found' });
    expect(await target.query(id, { mode: 'keyword', text: 'x', k: 0 })).toEqual([]);
    await target.close();
    await expect(target.countChunks(id)).rejects.toThrow(/closed/);
  });

  it('deduplicates chunk ids within one upsert, the last one winning', async () => {
    const target = await backend({ indexType: 'hnsw' });
    const id = await newIndex(target);
    await target.upsertChunks(id, [chunk(1), chunk(1, { text: 'replacement text', embedding: VECTORS[200] as Float32Array })]);
    expect(await target.countChunks(id)).toBe(1);
    expect((await target.query(id, { mode: 'keyword', text: 'replacement', k: 5 })).map((hit) => hit.chunkId)).toEqual(['c1']);
    const [hit] = await target.query(id, { mode: 'vector', embedding: VECTORS[200] as Float32Array, k: 1 });
    expect(hit?.score).toBeCloseTo(1, 5);
  });
});
