import { createHash } from 'node:crypto';
import { InvalidRequestError } from '@stack/core';

/** The prefix of every table the backend creates unless told otherwise. */
export const DEFAULT_TABLE_PREFIX = 'stack_pgvector';

const prefixPattern = /^[a-z_][a-z0-9_]{0,19}$/;
const SLUG_LENGTH = 20;
const HASH_LENGTH = 12;

/** Checks a table prefix: lower-case letters, digits and `_`, starting with a letter or `_`, at most 20 characters. */
export function checkTablePrefix(prefix: string): string {
  if (!prefixPattern.test(prefix)) {
    throw new InvalidRequestError(
      `tablePrefix '${prefix}' is not usable: use 1–20 lower-case letters, digits or '_', starting with a letter or '_'.`,
      { param: 'tablePrefix' },
    );
  }
  return prefix;
}

/** The registry of indexes: one row per vector store. */
export function registryTableName(prefix: string): string {
  return `${prefix}_indexes`;
}

/**
 * The chunk table of one vector store: the prefix, a readable slug of the id and a hash of the
 * whole id, so distinct ids never share a table and any id (quotes, Unicode, any length) is safe.
 * At most 20 + 1 + 20 + 1 + 12 = 54 characters, leaving room for index-name suffixes within
 * PostgreSQL's 63-byte identifier limit.
 */
export function chunkTableName(prefix: string, vectorStoreId: string): string {
  const slug = vectorStoreId
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, SLUG_LENGTH);
  const hash = createHash('sha256').update(vectorStoreId).digest('hex').slice(0, HASH_LENGTH);
  return slug ? `${prefix}_${slug}_${hash}` : `${prefix}_${hash}`;
}

/** Quotes an identifier for SQL (doubling any embedded quote). */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Names of the secondary indexes of a chunk table. */
export function chunkIndexNames(table: string): { ann: string; fullText: string; file: string } {
  return { ann: `${table}_ann`, fullText: `${table}_fts`, file: `${table}_file` };
}
