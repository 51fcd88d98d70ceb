import { kvStoreReferenceSchema } from '@stack/core';
import { z } from 'zod';

const unset = (value: unknown) => value === null || value === undefined || (typeof value === 'string' && value.trim() === '');

/** A positive integer; numeric strings accepted (values arrive as strings after `${env.X:=…}`); unset → `defaultValue`. */
function positiveInteger(defaultValue: number) {
  return z.preprocess(
    (value) => (unset(value) ? defaultValue : typeof value === 'string' ? Number(value.trim()) : value),
    z.number().int().positive(),
  );
}

/**
 * The config keys every vector-io provider built on `@stack/vector-stores` accepts. Providers
 * spread it into their own schema: `z.object({ ...vectorStoreConfigShape, db_path: … })`.
 */
export const vectorStoreConfigShape = {
  /** Where stores, files and batches are kept: `{backend: kv_default, namespace: vector_io::sqlite_vec}`. */
  persistence: z.preprocess((value) => (unset(value) ? undefined : value), kvStoreReferenceSchema.optional()),
  /** Files ingested at once across the provider (default 3). */
  max_concurrent_files: positiveInteger(3),
  /** Texts per embeddings request during ingestion (default 64). */
  embedding_batch_size: positiveInteger(64),
  /** A chat model that rewrites search queries when a search asks for `rewrite_query`; without it a rule-based rewrite is used. */
  rewrite_query_model: z.preprocess((value) => (unset(value) ? undefined : value), z.string().min(1).optional()),
};

/** The shape above as a schema, for providers with no other config keys and for tests. */
export const vectorStoreConfigSchema = z.object(vectorStoreConfigShape);
export type VectorStoreConfig = z.output<typeof vectorStoreConfigSchema>;

/** The provider options that come from the config keys above. */
export function vectorStoreSettings(config: Pick<VectorStoreConfig, 'max_concurrent_files' | 'embedding_batch_size' | 'rewrite_query_model'>): {
  maxConcurrentFiles: number;
  embeddingBatchSize: number;
  rewriteQueryModel: string | undefined;
} {
  return {
    maxConcurrentFiles: config.max_concurrent_files,
    embeddingBatchSize: config.embedding_batch_size,
    rewriteQueryModel: config.rewrite_query_model,
  };
}
