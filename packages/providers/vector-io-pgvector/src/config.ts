import { vectorStoreConfigShape } from '@stack/vector-stores';
import { z } from 'zod';
import { DEFAULT_TABLE_PREFIX } from './identifiers.js';

/*
 * The `config:` block of a `remote::pgvector` provider. Keys follow the reference run config;
 * values may arrive as strings after `${env.X:=…}` substitution, and unknown keys are ignored.
 */

const unset = (value: unknown): boolean => value === null || value === undefined || (typeof value === 'string' && value.trim() === '');

/** A string; unset (null, empty) → `defaultValue`. */
function configString(defaultValue: string) {
  return z.preprocess((value) => (unset(value) ? defaultValue : value), z.string().min(1));
}

/** An optional string; unset → undefined. */
function optionalString() {
  return z.preprocess((value) => (unset(value) ? undefined : value), z.string().min(1).optional());
}

/** An integer in `[min, max]`; numeric strings accepted; unset → `defaultValue`. */
function configInteger(defaultValue: number, min: number, max: number) {
  return z.preprocess(
    (value) => (unset(value) ? defaultValue : typeof value === 'string' ? Number(value.trim()) : value),
    z.number().int().min(min).max(max),
  );
}

/** A positive number; numeric strings accepted; unset → `defaultValue`. */
function configPositiveNumber(defaultValue: number) {
  return z.preprocess(
    (value) => (unset(value) ? defaultValue : typeof value === 'string' ? Number(value.trim()) : value),
    z.number().positive().finite(),
  );
}

/** pgvector's limits: HNSW `m` 2–100, `ef_construction` 4–1000, `ef_search` 1–1000. */
export const hnswIndexSchema = z.object({
  type: z.literal('HNSW'),
  /** Most edges per graph node (default 16). */
  m: configInteger(16, 2, 100),
  /** Candidate list size while building the graph (default 64; at least 2·m). */
  ef_construction: configInteger(64, 4, 1000),
  /** Candidate list size while searching (default 40); raised per query to the number of hits wanted. */
  ef_search: configInteger(40, 1, 1000),
});

/** pgvector's limits: IVFFlat `lists` 1–32768; `probes` below `lists`, as the reference requires. */
export const ivfflatIndexSchema = z.object({
  type: z.literal('IVFFlat'),
  /** Clusters the vectors are divided into (default 100). */
  lists: configInteger(100, 1, 32768),
  /** Clusters searched per query (default 10). */
  probes: configInteger(10, 1, 32768),
});

const indexTypes: Record<string, 'HNSW' | 'IVFFlat'> = { hnsw: 'HNSW', ivfflat: 'IVFFlat' };

/** `{type: HNSW, m: 16, ef_construction: 64, ef_search: 40}` (the default) or `{type: IVFFlat, lists: 100, probes: 10}`; `type` is case-insensitive. */
export const vectorIndexSchema = z.preprocess(
  (value) => {
    if (unset(value)) return { type: 'HNSW' };
    if (typeof value === 'object' && value !== null && 'type' in value && typeof value.type === 'string') {
      return { ...value, type: indexTypes[value.type.trim().toLowerCase()] ?? value.type };
    }
    return value;
  },
  z
    .discriminatedUnion('type', [hnswIndexSchema, ivfflatIndexSchema])
    .superRefine((index, context) => {
      if (index.type === 'HNSW' && index.ef_construction < 2 * index.m) {
        context.addIssue({ code: 'custom', path: ['ef_construction'], message: `ef_construction (${index.ef_construction}) must be at least 2 × m (${2 * index.m})` });
      }
      if (index.type === 'IVFFlat' && index.probes >= index.lists) {
        context.addIssue({ code: 'custom', path: ['probes'], message: `probes (${index.probes}) must be less than lists (${index.lists})` });
      }
    }),
);
export type PgvectorIndexSettings = z.output<typeof vectorIndexSchema>;

const distanceMetrics = ['COSINE', 'L2', 'L1', 'INNER_PRODUCT'] as const;

/**
 * The reference accepts COSINE, L2, L1 and INNER_PRODUCT. Every vector-io backend scores hits by
 * cosine similarity, so only COSINE is served; the others are named and refused.
 */
export const distanceMetricSchema = z.preprocess(
  (value) => (unset(value) ? 'COSINE' : typeof value === 'string' ? value.trim().toUpperCase() : value),
  z
    .enum(distanceMetrics)
    .refine((metric) => metric === 'COSINE', {
      message: 'only COSINE is supported: vector search scores are cosine similarity (L2, L1 and INNER_PRODUCT would rank differently)',
    })
    .transform(() => 'COSINE' as const),
);

/** The connection and index settings the backend itself uses. */
export const pgvectorConnectionShape = {
  host: configString('localhost'),
  port: configInteger(5432, 1, 65535),
  db: configString('postgres'),
  user: configString('postgres'),
  password: optionalString(),
  /** libpq-style `sslmode`: disable (default), allow, prefer, require, verify-ca, verify-full. */
  ssl_mode: optionalString(),
  /** A CA bundle for `require`, `verify-ca` and `verify-full`. */
  ca_cert_path: optionalString(),
  distance_metric: distanceMetricSchema,
  vector_index: vectorIndexSchema,
  /**
   * Rows an index must hold before its approximate index is built (default 5000); until then
   * queries scan exactly. The build runs in the background, started by the first vector query that
   * finds enough rows, so a bulk load is not slowed by per-row index inserts. 0 builds an HNSW
   * index with the table, as the reference does. IVFFlat waits for at least lists × 50 rows (the
   * sample pgvector trains its lists on) whatever this says.
   */
  vector_index_min_rows: configInteger(5000, 0, 1_000_000_000),
  /**
   * Prefix of the tables this provider creates (default `stack_pgvector`): the registry
   * `<prefix>_indexes` and one `<prefix>_<store>_<hash>` table per vector store. Lets several
   * stacks share one database. 1–20 lower-case letters, digits or `_`.
   */
  table_prefix: z.preprocess(
    (value) => (unset(value) ? DEFAULT_TABLE_PREFIX : value),
    z.string().regex(/^[a-z_][a-z0-9_]{0,19}$/, 'use 1–20 lower-case letters, digits or _, starting with a letter or _'),
  ),
  /** Most connections the pool opens (default 10). */
  pool_max_size: configInteger(10, 1, 1000),
  /** Idle connections the pool keeps open (default 0). */
  pool_min_size: configInteger(0, 0, 1000),
  /** Seconds one SQL statement may run before the server cancels it (default 30). */
  command_timeout: configPositiveNumber(30),
};

const checkPoolSizes = (config: { pool_min_size: number; pool_max_size: number }, context: z.RefinementCtx) => {
  if (config.pool_min_size > config.pool_max_size) {
    context.addIssue({ code: 'custom', path: ['pool_min_size'], message: `pool_min_size (${config.pool_min_size}) must not exceed pool_max_size (${config.pool_max_size})` });
  }
};

/** The backend's settings alone (benchmarks and tests build a backend without the store layer). */
export const pgvectorBackendConfigSchema = z.object(pgvectorConnectionShape).superRefine(checkPoolSizes);
export type PgvectorBackendConfig = z.output<typeof pgvectorBackendConfigSchema>;

/** The whole provider config: connection, index settings and the shared vector-store keys. */
export const pgvectorConfigSchema = z.object({ ...vectorStoreConfigShape, ...pgvectorConnectionShape }).superRefine(checkPoolSizes);
export type PgvectorConfig = z.output<typeof pgvectorConfigSchema>;

/** Where stores, files and batches are kept when `persistence` is not set. */
export const DEFAULT_PERSISTENCE = { backend: 'kv_default', namespace: 'vector_io::pgvector' } as const;
