import type { KVStoreReference } from '@stack/core';
import { vectorStoreConfigShape } from '@stack/vector-stores';
import { z } from 'zod';

const unset = (value: unknown) => value === null || value === undefined || (typeof value === 'string' && value.trim() === '');

/** A positive integer of at least `minimum`; numeric strings accepted (values arrive as strings after `${env.X:=…}`); unset → `defaultValue`. */
function integerSetting(defaultValue: number, minimum = 1) {
  return z.preprocess(
    (value) => (unset(value) ? defaultValue : typeof value === 'string' ? Number(value.trim()) : value),
    z.number().int().min(minimum),
  );
}

/** Where stores, chunks and HNSW snapshots are kept when `persistence` is not set. */
export const DEFAULT_FAISS_PERSISTENCE: KVStoreReference = { backend: 'kv_default', namespace: 'vector_io::faiss' };

/** HNSW parameters of the `hnsw:` block. */
export const faissHnswConfigSchema = z.object({
  /** Links per node on the upper layers; layer 0 keeps up to 2·m. Default 16. */
  m: integerSetting(16, 2),
  /** Candidate list size while inserting (graph quality against build time). Default 100. */
  ef_construction: integerSetting(100),
  /** Candidate list size while searching (recall against latency; at least k is used). Default 64. */
  ef_search: integerSetting(64),
});

/**
 * The `config:` block of an `inline::faiss` provider. Unknown keys are ignored; values may
 * arrive as strings after `${env.X:=…}` substitution.
 */
export const faissConfigSchema = z.object({
  ...vectorStoreConfigShape,
  /**
   * `flat` (default): exact search, best up to about 10,000 chunks per store. `hnsw`: approximate
   * graph search. `auto`: flat until a store holds more than `auto_threshold` chunks, then HNSW.
   */
  index_type: z.preprocess(
    (value) => (unset(value) ? 'flat' : typeof value === 'string' ? value.trim().toLowerCase() : value),
    z.enum(['flat', 'hnsw', 'auto']),
  ),
  /** Chunks per store above which `index_type: auto` switches that store to HNSW. Default 10,000. */
  auto_threshold: integerSetting(10_000),
  hnsw: z.preprocess((value) => (unset(value) ? {} : value), faissHnswConfigSchema),
});

export type FaissConfig = z.output<typeof faissConfigSchema>;
