import { describeVectorIndexBackendConformance } from '@stack/vector-io-api/testing';
import { describe, expect, it } from 'vitest';
import { createMemoryIndexBackend } from './memory-backend.js';

describeVectorIndexBackendConformance({ name: 'memory', create: async () => createMemoryIndexBackend() });

describe('createMemoryIndexBackend', () => {
  const unit = (length: number, axis: number) => {
    const vector = new Float32Array(length);
    vector[axis] = 1;
    return vector;
  };

  it('keeps its own copies of what it is given', async () => {
    const backend = createMemoryIndexBackend();
    await backend.createIndex({ vectorStoreId: 'vs_copy', dimension: 2, embeddingModel: 'm' });
    const embedding = unit(2, 0);
    const chunk = { chunk_id: 'a', content: 'apple', metadata: { n: 1 } };
    await backend.upsertChunks('vs_copy', [{ chunkId: 'a', chunk, text: 'apple', embedding, attributes: { k: 'v' } }]);
    embedding[0] = 0;
    embedding[1] = 1;
    chunk.metadata.n = 2;
    const [hit] = await backend.query('vs_copy', { mode: 'vector', embedding: unit(2, 0), k: 1 });
    expect(hit?.score).toBeCloseTo(1, 6);
    expect(hit?.chunk.metadata).toEqual({ n: 1 });
  });

  it('drops every index on close', async () => {
    const backend = createMemoryIndexBackend();
    await backend.createIndex({ vectorStoreId: 'vs_closed', dimension: 2, embeddingModel: 'm' });
    await backend.close();
    await expect(backend.countChunks('vs_closed')).rejects.toMatchObject({ code: 'not_found' });
  });
});
