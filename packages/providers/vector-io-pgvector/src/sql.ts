import { chunkIndexNames, quoteIdentifier } from './identifiers.js';

/*
 * The SQL text of the backend, per table. Identifiers come from `identifiers.ts` (lower-case
 * letters, digits and `_` only) and are quoted anyway; every value is a parameter, except integer
 * settings the config schema has already checked.
 */

/** The text-search configuration of the `tsv` column and of keyword queries: English stemming and stop words. */
export const TEXT_SEARCH_CONFIG = 'english';

/** The kind of approximate index a chunk table has: none when the dimension is beyond pgvector's index limit. */
export type AnnIndexKind = 'HNSW' | 'IVFFlat' | 'none';

export function registryTableDdl(registry: string): string {
  return `CREATE TABLE IF NOT EXISTS ${quoteIdentifier(registry)} (
    vector_store_id text PRIMARY KEY,
    table_name text NOT NULL UNIQUE,
    dimension integer NOT NULL,
    embedding_model text NOT NULL,
    ann_index text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
  )`;
}

/** The chunk table with its file and full-text indexes (the approximate index is separate). */
export function chunkTableDdl(table: string, dimension: number): string[] {
  const quoted = quoteIdentifier(table);
  const names = chunkIndexNames(table);
  return [
    `CREATE TABLE IF NOT EXISTS ${quoted} (
      id text PRIMARY KEY,
      file_id text,
      file_position double precision,
      attributes jsonb NOT NULL DEFAULT '{}'::jsonb,
      chunk json NOT NULL,
      content text NOT NULL,
      tsv tsvector GENERATED ALWAYS AS (to_tsvector('${TEXT_SEARCH_CONFIG}'::regconfig, content)) STORED,
      embedding vector(${dimension}) NOT NULL
    )`,
    `CREATE INDEX IF NOT EXISTS ${quoteIdentifier(names.file)} ON ${quoted} (file_id, file_position)`,
    `CREATE INDEX IF NOT EXISTS ${quoteIdentifier(names.fullText)} ON ${quoted} USING gin (tsv)`,
  ];
}

/** The approximate cosine index of a chunk table; `concurrently` lets writes go on while it is built. */
export function annIndexDdl(table: string, index: AnnIndexParameters, concurrently: boolean): string {
  const method = index.kind === 'HNSW' ? 'hnsw' : 'ivfflat';
  const parameters = index.kind === 'HNSW' ? `m = ${index.m}, ef_construction = ${index.efConstruction}` : `lists = ${index.lists}`;
  return `CREATE INDEX ${concurrently ? 'CONCURRENTLY ' : ''}IF NOT EXISTS ${quoteIdentifier(chunkIndexNames(table).ann)}
    ON ${quoteIdentifier(table)} USING ${method} (embedding vector_cosine_ops) WITH (${parameters})`;
}

/** Build parameters of an approximate index. */
export type AnnIndexParameters = { kind: 'HNSW'; m: number; efConstruction: number } | { kind: 'IVFFlat'; lists: number };

/** Whether the approximate index ($1: its name) exists and is valid (a failed concurrent build leaves an invalid one). */
export const annIndexStateSql = `SELECT CASE WHEN to_regclass($1::text) IS NULL THEN 'absent'
  WHEN (SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass($1::text)) THEN 'valid' ELSE 'invalid' END AS state`;

/** Fixed-shape statements of one chunk table (sent as named prepared statements). */
export interface TableStatements {
  /** $1 ids, $2 file ids, $3 positions, $4 attributes (jsonb), $5 chunks (json), $6 texts, $7 vectors (binary vector[]). */
  upsert: string;
  /** $1 chunk ids, $2 file id (or null). */
  delete: string;
  count: string;
  /** $1 file id. */
  listFile: string;
  /** $1 file id, $2 attributes. */
  updateAttributes: string;
}

export function tableStatements(table: string): TableStatements {
  const quoted = quoteIdentifier(table);
  return {
    upsert: `INSERT INTO ${quoted} (id, file_id, file_position, attributes, chunk, content, embedding)
      SELECT * FROM unnest($1::text[], $2::text[], $3::float8[], $4::jsonb[], $5::json[], $6::text[], $7::vector[])
      ON CONFLICT (id) DO UPDATE SET
        file_id = EXCLUDED.file_id, file_position = EXCLUDED.file_position, attributes = EXCLUDED.attributes,
        chunk = EXCLUDED.chunk, content = EXCLUDED.content, embedding = EXCLUDED.embedding`,
    delete: `DELETE FROM ${quoted} WHERE id = ANY($1::text[]) OR file_id = $2::text`,
    count: `SELECT count(*) AS n FROM ${quoted}`,
    listFile: `SELECT chunk FROM ${quoted} WHERE file_id = $1::text ORDER BY COALESCE(file_position, 0), id COLLATE "C"`,
    updateAttributes: `UPDATE ${quoted} SET attributes = $2::jsonb WHERE file_id = $1::text`,
  };
}

/** Columns every hit needs, read after the ranking so the sort carries only ids and scores. */
const hitColumns = 't.id, t.file_id, t.attributes, t.chunk';

/**
 * Nearest chunks by cosine distance ($1 the query vector). `approximate` orders by the distance
 * operator so the HNSW/IVFFlat index (with iterative scans) can serve it; otherwise `OFFSET 0`
 * fences the ranking off from any index, which makes it an exact scan of every matching row,
 * ties broken by id.
 */
export function vectorQuerySql(table: string, where: string, limit: number, approximate: boolean): string {
  const quoted = quoteIdentifier(table);
  const ranked = approximate
    ? `SELECT id, embedding <=> $1::vector AS distance FROM ${quoted} WHERE ${where} ORDER BY embedding <=> $1::vector LIMIT ${limit}`
    : `SELECT id, distance FROM (SELECT id, embedding <=> $1::vector AS distance FROM ${quoted} WHERE ${where} OFFSET 0) candidates ORDER BY distance, id COLLATE "C" LIMIT ${limit}`;
  return `WITH top AS MATERIALIZED (${ranked})
    SELECT ${hitColumns}, top.distance FROM top JOIN ${quoted} t ON t.id = top.id ORDER BY top.distance, t.id COLLATE "C"`;
}

/**
 * Chunks matching any query term ($1, terms joined by ` or `), scored by `ts_rank` (term
 * frequency, divided by 1 + log of the document length): positive, higher for more and rarer-in-
 * the-chunk matches. (`ts_rank_cd`'s cover density costs about four times as much per row.)
 */
export function keywordQuerySql(table: string, where: string, limit: number): string {
  const quoted = quoteIdentifier(table);
  const query = `websearch_to_tsquery('${TEXT_SEARCH_CONFIG}'::regconfig, $1::text)`;
  const ranked = `SELECT id, ts_rank(tsv, ${query}, 1) AS score FROM ${quoted}
    WHERE tsv @@ ${query} AND ${where} ORDER BY score DESC, id COLLATE "C" LIMIT ${limit}`;
  return `WITH top AS MATERIALIZED (${ranked})
    SELECT ${hitColumns}, top.score FROM top JOIN ${quoted} t ON t.id = top.id ORDER BY top.score DESC, t.id COLLATE "C"`;
}
