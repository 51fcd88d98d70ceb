import { describe, expect, it } from 'vitest';
import { vectorIoRoutes } from './routes.js';
import { attributeFilterSchema, chunkingStrategySchema, createFileBatchRequestSchema, insertChunksRequestSchema, interleavedContentText, searchRequestSchema } from './schemas.js';

describe('vector io schemas', () => {
  it('fills search defaults and bounds max_num_results', () => {
    expect(searchRequestSchema.parse({ query: 'cats' })).toMatchObject({ query: 'cats', max_num_results: 10, search_mode: 'vector', rewrite_query: false });
    expect(searchRequestSchema.safeParse({ query: 'cats', max_num_results: 51 }).success).toBe(false);
    expect(searchRequestSchema.safeParse({ query: [] }).success).toBe(false);
  });

  it('validates filters recursively, with array values only for in / nin', () => {
    expect(attributeFilterSchema.safeParse({ type: 'and', filters: [{ type: 'in', key: 'k', value: ['a', 1] }, { type: 'or', filters: [{ type: 'eq', key: 'x', value: true }] }] }).success).toBe(true);
    expect(attributeFilterSchema.safeParse({ type: 'eq', key: 'k', value: ['a'] }).success).toBe(false);
    expect(attributeFilterSchema.safeParse({ type: 'in', key: 'k', value: 'a' }).success).toBe(false);
    expect(attributeFilterSchema.safeParse({ type: 'near', key: 'k', value: 1 }).success).toBe(false);
  });

  it('limits static chunking as OpenAI does', () => {
    expect(chunkingStrategySchema.parse({ type: 'static', static: { max_chunk_size_tokens: 400, chunk_overlap_tokens: 200 } })).toBeTruthy();
    const overlap = chunkingStrategySchema.safeParse({ type: 'static', static: { max_chunk_size_tokens: 400, chunk_overlap_tokens: 201 } });
    expect(overlap.success).toBe(false);
    expect(overlap.error?.issues[0]?.path).toEqual(['static', 'chunk_overlap_tokens']);
    expect(chunkingStrategySchema.safeParse({ type: 'static', static: { max_chunk_size_tokens: 50, chunk_overlap_tokens: 0 } }).success).toBe(false);
  });

  it('takes file batches as file_ids or files, not both', () => {
    expect(createFileBatchRequestSchema.safeParse({ file_ids: ['file-1'] }).success).toBe(true);
    expect(createFileBatchRequestSchema.safeParse({ files: [{ file_id: 'file-1', attributes: { a: 1 } }] }).success).toBe(true);
    expect(createFileBatchRequestSchema.safeParse({ file_ids: ['file-1'], files: [{ file_id: 'file-2' }] }).success).toBe(false);
    expect(createFileBatchRequestSchema.safeParse({}).success).toBe(false);
  });

  it('accepts llama-stack-client chunks with null fields', () => {
    const parsed = insertChunksRequestSchema.parse({
      vector_store_id: 'vs_1',
      chunks: [{ chunk_id: 'c1', content: [{ type: 'text', text: 'hello' }], embedding: null, chunk_metadata: { chunk_id: null }, embedding_model: null }],
      ttl_seconds: null,
    });
    expect(parsed.chunks[0]?.metadata).toEqual({});
    expect(interleavedContentText(parsed.chunks[0]!.content)).toBe('hello');
  });
});

describe('vector io routes', () => {
  it('serves the 16 vector-store operations and the 2 raw chunk operations, each once', () => {
    expect(vectorIoRoutes).toHaveLength(18);
    const keys = vectorIoRoutes.map((route) => `${route.method} ${route.path}`);
    expect(new Set(keys).size).toBe(18);
    expect(vectorIoRoutes.filter((route) => route.path.startsWith('/v1/vector_stores')).every((route) => route.openaiCompatible)).toBe(true);
    expect(keys).toContain('POST /v1/vector_stores/{vector_store_id}/file_batches/{batch_id}/cancel');
  });
});
