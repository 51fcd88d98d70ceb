import { z } from 'zod';

/*
 * Wire schemas of the Vector IO API: OpenAI's vector stores (stores, files, file batches, search)
 * and Llama Stack's raw chunk insert/query. Request schemas pass unknown fields through, as the
 * reference accepts `extra_body` fields (embedding_model, provider_id, …) at the top level.
 */

const jsonValue: z.ZodType<unknown> = z.unknown();

/** Metadata as OpenAI limits it: up to 16 keys, string keys up to 64 chars, values up to 512 chars. */
export const metadataSchema = z
  .record(z.string().max(64), jsonValue)
  .refine((value) => Object.keys(value).length <= 16, 'may hold at most 16 keys');

/** File attributes used for filtering: string, number or boolean values. */
export const attributesSchema = z
  .record(z.string().max(64), z.union([z.string().max(512), z.number(), z.boolean()]))
  .refine((value) => Object.keys(value).length <= 16, 'may hold at most 16 keys');
export type Attributes = z.output<typeof attributesSchema>;

export const MIN_CHUNK_SIZE_TOKENS = 100;
export const MAX_CHUNK_SIZE_TOKENS = 4096;

export const staticChunkingConfigSchema = z
  .object({
    max_chunk_size_tokens: z.number().int().min(MIN_CHUNK_SIZE_TOKENS).max(MAX_CHUNK_SIZE_TOKENS).default(800),
    chunk_overlap_tokens: z.number().int().min(0).default(400),
  })
  .refine((value) => value.chunk_overlap_tokens <= value.max_chunk_size_tokens / 2, {
    message: 'chunk_overlap_tokens must not exceed half of max_chunk_size_tokens',
    path: ['chunk_overlap_tokens'],
  });

export const chunkingStrategySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('auto') }),
  z.object({ type: z.literal('static'), static: staticChunkingConfigSchema }),
]);
export type ChunkingStrategy = z.output<typeof chunkingStrategySchema>;

/** The strategy OpenAI reports for `auto`. */
export const AUTO_CHUNKING_STRATEGY = { type: 'static', static: { max_chunk_size_tokens: 800, chunk_overlap_tokens: 400 } } as const;

export const fileCountsSchema = z.object({
  completed: z.number().int(),
  cancelled: z.number().int(),
  failed: z.number().int(),
  in_progress: z.number().int(),
  total: z.number().int(),
});
export type FileCounts = z.output<typeof fileCountsSchema>;

/** Vector stores expire after `days` without activity. */
export const vectorStoreExpiresAfterSchema = z.object({
  anchor: z.literal('last_active_at'),
  days: z.number().int().min(1).max(365),
});
export type VectorStoreExpiresAfter = z.output<typeof vectorStoreExpiresAfterSchema>;

export const vectorStoreStatusSchema = z.enum(['expired', 'in_progress', 'completed']);

export const vectorStoreObjectSchema = z.object({
  id: z.string(),
  object: z.literal('vector_store'),
  created_at: z.number().int(),
  name: z.string().nullable(),
  usage_bytes: z.number().int(),
  file_counts: fileCountsSchema,
  status: vectorStoreStatusSchema,
  expires_after: vectorStoreExpiresAfterSchema.nullable(),
  expires_at: z.number().int().nullable(),
  last_active_at: z.number().int().nullable(),
  metadata: z.record(z.string(), jsonValue),
});
export type VectorStoreObject = z.output<typeof vectorStoreObjectSchema>;

export const createVectorStoreRequestSchema = z.looseObject({
  name: z.string().max(256).optional(),
  file_ids: z.array(z.string().min(1)).max(500).optional(),
  expires_after: vectorStoreExpiresAfterSchema.optional(),
  chunking_strategy: chunkingStrategySchema.optional(),
  metadata: metadataSchema.optional(),
  /** Extra body (Llama Stack): the embedding model, its dimension, and the provider to use. */
  embedding_model: z.string().min(1).optional(),
  embedding_dimension: z.number().int().positive().optional(),
  provider_id: z.string().min(1).optional(),
});
export type CreateVectorStoreRequest = z.output<typeof createVectorStoreRequestSchema>;

export const updateVectorStoreRequestSchema = z.looseObject({
  name: z.string().max(256).nullable().optional(),
  expires_after: vectorStoreExpiresAfterSchema.nullable().optional(),
  metadata: metadataSchema.nullable().optional(),
});
export type UpdateVectorStoreRequest = z.output<typeof updateVectorStoreRequestSchema>;

export const vectorStoreDeleteResponseSchema = z.object({ id: z.string(), object: z.literal('vector_store.deleted'), deleted: z.boolean() });
export type VectorStoreDeleteResponse = z.output<typeof vectorStoreDeleteResponseSchema>;

export const listQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).optional(),
  order: z.enum(['asc', 'desc']).optional(),
  after: z.string().min(1).optional(),
  before: z.string().min(1).optional(),
});
export type ListQuery = z.output<typeof listQuerySchema>;

export const vectorStoreFileStatusSchema = z.enum(['in_progress', 'completed', 'cancelled', 'failed']);
export type VectorStoreFileStatus = z.output<typeof vectorStoreFileStatusSchema>;

export const listFilesQuerySchema = listQuerySchema.extend({ filter: vectorStoreFileStatusSchema.optional() });
export type ListVectorStoreFilesQuery = z.output<typeof listFilesQuerySchema>;

export function listResponseSchema<T extends z.ZodType>(item: T) {
  return z.object({
    object: z.literal('list'),
    data: z.array(item),
    first_id: z.string().nullable(),
    last_id: z.string().nullable(),
    has_more: z.boolean(),
  });
}
export interface ListPage<T> {
  object: 'list';
  data: T[];
  first_id: string | null;
  last_id: string | null;
  has_more: boolean;
}

export const vectorStoreListResponseSchema = listResponseSchema(vectorStoreObjectSchema);

export const lastErrorSchema = z.object({
  code: z.enum(['server_error', 'rate_limit_exceeded', 'unsupported_file', 'invalid_file']),
  message: z.string(),
});
export type VectorStoreFileLastError = z.output<typeof lastErrorSchema>;

export const vectorStoreFileObjectSchema = z.object({
  id: z.string(),
  object: z.literal('vector_store.file'),
  attributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  chunking_strategy: chunkingStrategySchema,
  created_at: z.number().int(),
  last_error: lastErrorSchema.nullable(),
  status: vectorStoreFileStatusSchema,
  usage_bytes: z.number().int(),
  vector_store_id: z.string(),
});
export type VectorStoreFileObject = z.output<typeof vectorStoreFileObjectSchema>;

export const vectorStoreFileListResponseSchema = listResponseSchema(vectorStoreFileObjectSchema);

export const attachFileRequestSchema = z.looseObject({
  file_id: z.string().min(1),
  attributes: attributesSchema.optional(),
  chunking_strategy: chunkingStrategySchema.optional(),
});
export type AttachFileRequest = z.output<typeof attachFileRequestSchema>;

export const updateFileRequestSchema = z.object({ attributes: attributesSchema });
export type UpdateVectorStoreFileRequest = z.output<typeof updateFileRequestSchema>;

export const vectorStoreFileDeleteResponseSchema = z.object({ id: z.string(), object: z.literal('vector_store.file.deleted'), deleted: z.boolean() });
export type VectorStoreFileDeleteResponse = z.output<typeof vectorStoreFileDeleteResponseSchema>;

export const vectorStoreContentSchema = z.object({ type: z.literal('text'), text: z.string() });
export type VectorStoreContent = z.output<typeof vectorStoreContentSchema>;

export const fileContentResponseSchema = z.object({
  object: z.literal('vector_store.file_content.page'),
  data: z.array(vectorStoreContentSchema),
  has_more: z.boolean(),
  next_page: z.string().nullable(),
});
export type VectorStoreFileContentResponse = z.output<typeof fileContentResponseSchema>;

export const fileBatchObjectSchema = z.object({
  id: z.string(),
  object: z.literal('vector_store.files_batch'),
  created_at: z.number().int(),
  vector_store_id: z.string(),
  status: vectorStoreFileStatusSchema,
  file_counts: fileCountsSchema,
});
export type VectorStoreFileBatchObject = z.output<typeof fileBatchObjectSchema>;

export const createFileBatchRequestSchema = z
  .looseObject({
    file_ids: z.array(z.string().min(1)).min(1).max(500).optional(),
    /** OpenAI's per-file form: each file with its own attributes and chunking strategy. */
    files: z
      .array(z.object({ file_id: z.string().min(1), attributes: attributesSchema.optional(), chunking_strategy: chunkingStrategySchema.optional() }))
      .min(1)
      .max(500)
      .optional(),
    attributes: attributesSchema.optional(),
    chunking_strategy: chunkingStrategySchema.optional(),
  })
  .refine((value) => (value.file_ids === undefined) !== (value.files === undefined), {
    message: 'give exactly one of file_ids and files',
    path: ['file_ids'],
  });
export type CreateFileBatchRequest = z.output<typeof createFileBatchRequestSchema>;

/** Comparison filter on a file attribute. */
export interface ComparisonFilter {
  type: 'eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte' | 'in' | 'nin';
  key: string;
  value: string | number | boolean | Array<string | number | boolean>;
}
/** `and` / `or` over other filters. */
export interface CompoundFilter {
  type: 'and' | 'or';
  filters: AttributeFilter[];
}
export type AttributeFilter = ComparisonFilter | CompoundFilter;

const scalarSchema = z.union([z.string(), z.number(), z.boolean()]);
export const attributeFilterSchema: z.ZodType<AttributeFilter> = z.lazy(() =>
  z.union([
    z
      .object({
        type: z.enum(['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'nin']),
        key: z.string().min(1),
        value: z.union([scalarSchema, z.array(scalarSchema)]),
      })
      .refine((filter) => (filter.type === 'in' || filter.type === 'nin') === Array.isArray(filter.value), {
        message: "'in' and 'nin' take an array value; other comparisons a single value",
        path: ['value'],
      }),
    z.object({ type: z.enum(['and', 'or']), filters: z.array(attributeFilterSchema).min(1) }),
  ]),
);

export const searchModeSchema = z.enum(['vector', 'keyword', 'hybrid']);
export type SearchMode = z.output<typeof searchModeSchema>;

export const rankingOptionsSchema = z.looseObject({
  /** `rrf` (reciprocal-rank fusion, the hybrid default) or `weighted`; `auto`/`default-2024-11-15` are OpenAI's names for the default. */
  ranker: z.enum(['auto', 'default-2024-11-15', 'none', 'rrf', 'weighted']).optional(),
  score_threshold: z.number().min(0).optional(),
  /** RRF constant k (default 60). */
  impact_factor: z.number().positive().optional(),
  /** Weight of the vector score in `weighted` fusion, 0..1 (default 0.5). */
  alpha: z.number().min(0).max(1).optional(),
});
export type RankingOptions = z.output<typeof rankingOptionsSchema>;

export const searchRequestSchema = z.looseObject({
  query: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
  filters: attributeFilterSchema.optional(),
  max_num_results: z.number().int().min(1).max(50).default(10),
  ranking_options: rankingOptionsSchema.optional(),
  rewrite_query: z.boolean().default(false),
  search_mode: searchModeSchema.default('vector'),
});
export type SearchVectorStoreRequest = z.input<typeof searchRequestSchema>;
export type ParsedSearchRequest = z.output<typeof searchRequestSchema>;

export const searchResultSchema = z.object({
  file_id: z.string(),
  filename: z.string(),
  score: z.number(),
  attributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  content: z.array(vectorStoreContentSchema),
});
export type VectorStoreSearchResult = z.output<typeof searchResultSchema>;

export const searchResponseSchema = z.object({
  object: z.literal('vector_store.search_results.page'),
  search_query: z.union([z.string(), z.array(z.string())]),
  data: z.array(searchResultSchema),
  has_more: z.boolean(),
  next_page: z.string().nullable(),
});
export type VectorStoreSearchResponse = z.output<typeof searchResponseSchema>;

/* Raw chunks (POST /v1/vector-io/insert and /query). */

export const textContentItemSchema = z.object({ type: z.literal('text'), text: z.string() });
export const imageContentItemSchema = z.object({
  type: z.literal('image'),
  image: z.object({ url: z.object({ uri: z.string() }).optional(), data: z.string().optional() }),
});
export const interleavedContentItemSchema = z.discriminatedUnion('type', [textContentItemSchema, imageContentItemSchema]);
export const interleavedContentSchema = z.union([z.string(), interleavedContentItemSchema, z.array(interleavedContentItemSchema)]);
export type InterleavedContent = z.output<typeof interleavedContentSchema>;

export const chunkMetadataSchema = z.looseObject({
  chunk_id: z.string().nullish(),
  document_id: z.string().nullish(),
  source: z.string().nullish(),
  created_timestamp: z.number().int().nullish(),
  updated_timestamp: z.number().int().nullish(),
  chunk_window: z.string().nullish(),
  chunk_tokenizer: z.string().nullish(),
  chunk_embedding_model: z.string().nullish(),
  chunk_embedding_dimension: z.number().int().nullish(),
  content_token_count: z.number().int().nullish(),
  metadata_token_count: z.number().int().nullish(),
});
export type ChunkMetadata = z.output<typeof chunkMetadataSchema>;

export const chunkSchema = z.object({
  content: interleavedContentSchema,
  chunk_id: z.string().min(1),
  metadata: z.record(z.string(), jsonValue).default({}),
  embedding: z.array(z.number()).nullish(),
  chunk_metadata: chunkMetadataSchema.nullish(),
  /** Sent by llama-stack-client: the model and dimension of a supplied `embedding`. */
  embedding_model: z.string().nullish(),
  embedding_dimension: z.number().int().nullish(),
});
export type Chunk = z.output<typeof chunkSchema>;

export const insertChunksRequestSchema = z.object({
  vector_store_id: z.string().min(1),
  chunks: z.array(chunkSchema).min(1),
  ttl_seconds: z.number().int().positive().nullish(),
});
export type InsertChunksRequest = z.output<typeof insertChunksRequestSchema>;

export const queryChunksParamsSchema = z.looseObject({
  max_chunks: z.number().int().min(1).max(1000).optional(),
  score_threshold: z.number().optional(),
  mode: searchModeSchema.optional(),
  ranker: z.looseObject({ type: z.enum(['rrf', 'weighted']), impact_factor: z.number().positive().optional(), alpha: z.number().min(0).max(1).optional() }).optional(),
  filters: attributeFilterSchema.optional(),
});

export const queryChunksRequestSchema = z.object({
  vector_store_id: z.string().min(1),
  query: interleavedContentSchema,
  params: queryChunksParamsSchema.nullish(),
});
export type QueryChunksRequest = z.output<typeof queryChunksRequestSchema>;

export const queryChunksResponseSchema = z.object({ chunks: z.array(chunkSchema), scores: z.array(z.number()) });
export type QueryChunksResponse = z.output<typeof queryChunksResponseSchema>;

/* Path parameters. */
export const vectorStoreIdPathSchema = z.object({ vector_store_id: z.string().min(1) });
export const vectorStoreFilePathSchema = z.object({ vector_store_id: z.string().min(1), file_id: z.string().min(1) });
export const fileBatchPathSchema = z.object({ vector_store_id: z.string().min(1), batch_id: z.string().min(1) });

/** The text of interleaved content: text items joined, images left out. */
export function interleavedContentText(content: InterleavedContent): string {
  if (typeof content === 'string') return content;
  const items = Array.isArray(content) ? content : [content];
  return items.map((item) => (item.type === 'text' ? item.text : '')).filter((text) => text !== '').join('\n');
}
