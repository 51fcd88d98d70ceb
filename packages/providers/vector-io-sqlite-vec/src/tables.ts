import { createHash } from 'node:crypto';

/*
 * Table names and DDL. One SQLite file holds every index; each index owns three tables named from
 * a prefix derived from its vector store id (a lower-case slug of the id for readability plus 16
 * hex digits of its SHA-256 for uniqueness), so no user text reaches SQL unchecked.
 */

/** The table that maps vector store ids to their tables, dimension and embedding model. */
export const REGISTRY_TABLE = 'stack_vector_indexes';

/** The largest dimension a vec0 column accepts. */
export const MAX_DIMENSION = 8192;

const PREFIX_PATTERN = /^vs_[a-z0-9_]{1,80}_[0-9a-f]{16}$/;

/** The tables of one index. */
export interface IndexTables {
  prefix: string;
  /**
   * rowid, chunk_id (unique), file_id, position, attributes (JSONB), chunk (JSON text), text; with
   * an index on (file_id, position) and one on attributes, which lets a filter scan read the small
   * index instead of the wide rows.
   */
  chunks: string;
  /** vec0 table: rowid = chunk rowid, `embedding float[dimension] distance_metric=cosine`. */
  vectors: string;
  /** FTS5 external-content table over `chunks.text` (rowid = chunk rowid), porter + unicode61. */
  fts: string;
}

/** The table prefix for a vector store id: `vs_<slug>_<sha256 prefix>`. */
export function tablePrefixFor(vectorStoreId: string): string {
  const slug =
    vectorStoreId
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .slice(0, 40) || 'index';
  const hash = createHash('sha256').update(vectorStoreId, 'utf8').digest('hex').slice(0, 16);
  return `vs_${slug}_${hash}`;
}

/** The tables for a prefix; throws if the prefix (e.g. read back from the database) is not one this module makes. */
export function indexTables(prefix: string): IndexTables {
  if (!PREFIX_PATTERN.test(prefix)) throw new Error(`Refusing an unexpected vector index table prefix: ${JSON.stringify(prefix)}`);
  return { prefix, chunks: `${prefix}_chunks`, vectors: `${prefix}_vec`, fts: `${prefix}_fts` };
}

export const registryDdl = `
CREATE TABLE IF NOT EXISTS ${REGISTRY_TABLE} (
  vector_store_id TEXT PRIMARY KEY,
  table_prefix TEXT NOT NULL UNIQUE,
  dimension INTEGER NOT NULL,
  embedding_model TEXT NOT NULL,
  created_at INTEGER NOT NULL
)`;

/** Drops an index's tables if present (vec0 and FTS5 drop their shadow tables with them). */
export function dropIndexDdl(tables: IndexTables): string {
  return [
    `DROP TABLE IF EXISTS ${tables.fts}`,
    `DROP TABLE IF EXISTS ${tables.vectors}`,
    `DROP TABLE IF EXISTS ${tables.chunks}`,
  ].join(';\n');
}

export function createIndexDdl(tables: IndexTables, dimension: number): string {
  if (!Number.isInteger(dimension) || dimension < 1 || dimension > MAX_DIMENSION) throw new Error(`Bad dimension ${dimension}`);
  return `
CREATE TABLE ${tables.chunks} (
  rowid INTEGER PRIMARY KEY,
  chunk_id TEXT NOT NULL UNIQUE,
  file_id TEXT,
  position INTEGER,
  attributes BLOB NOT NULL,
  chunk TEXT NOT NULL,
  text TEXT NOT NULL
);
CREATE INDEX ${tables.prefix}_by_file ON ${tables.chunks} (file_id, position);
CREATE INDEX ${tables.prefix}_by_attributes ON ${tables.chunks} (attributes);
CREATE VIRTUAL TABLE ${tables.vectors} USING vec0(embedding float[${dimension}] distance_metric=cosine);
CREATE VIRTUAL TABLE ${tables.fts} USING fts5(text, content='${tables.chunks}', content_rowid='rowid', tokenize='porter unicode61');
`;
}
