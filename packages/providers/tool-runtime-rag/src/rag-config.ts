import { MAX_CHUNK_SIZE_TOKENS } from '@stack/vector-io-api';
import { z } from 'zod';

/** The most results one vector-store search returns (`max_num_results`), and so the most chunks a knowledge search keeps. */
export const MAX_SEARCH_CHUNKS = 50;

const unset = (value: unknown) => value === null || value === undefined || (typeof value === 'string' && value.trim() === '');

/** An integer in a range; numeric strings accepted (values arrive as strings after `${env.X:=…}`); unset → `defaultValue`. */
function configInteger(defaultValue: number, min: number, max: number = Number.MAX_SAFE_INTEGER) {
  return z.preprocess(
    (value) => (unset(value) ? defaultValue : typeof value === 'string' ? Number(value.trim()) : value),
    z.number().int().min(min).max(max),
  );
}

/**
 * The `config:` block of an `inline::rag-runtime` provider. The reference gives it no keys, so
 * every key is optional; unknown keys are ignored and an absent block means all defaults.
 */
export const ragToolRuntimeConfigSchema = z.preprocess(
  (value) => (value === null || value === undefined ? {} : value),
  z
    .looseObject({
      /** Most search results `knowledge_search` returns when the call does not say (default 5, at most 50). */
      max_chunks: configInteger(5, 1, MAX_SEARCH_CHUNKS),
      /** Token budget (cl100k_base) for the text of the results `knowledge_search` returns (default 4096). */
      max_tokens_in_context: configInteger(4096, 1),
      /** Chunk size `insert_into_memory` splits documents into when the call does not say (default 512). */
      chunk_size_in_tokens: configInteger(512, 1, MAX_CHUNK_SIZE_TOKENS),
      /** Tokens each chunk shares with the one before it (default 64; at most half the chunk size). */
      chunk_overlap_in_tokens: configInteger(64, 0),
    })
    .refine((config) => config.chunk_overlap_in_tokens <= Math.floor(config.chunk_size_in_tokens / 2), {
      message: 'chunk_overlap_in_tokens must not exceed half of chunk_size_in_tokens',
      path: ['chunk_overlap_in_tokens'],
    }),
);

export type RagToolRuntimeConfig = z.output<typeof ragToolRuntimeConfigSchema>;
