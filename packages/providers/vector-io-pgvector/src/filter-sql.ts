import { InvalidRequestError } from '@stack/core';
import type { AttributeFilter, ComparisonFilter } from '@stack/vector-io-api';

/** Collects positional parameters (`$1`, `$2`, …) for one statement. */
export class SqlParameters {
  readonly values: unknown[];

  constructor(initial: readonly unknown[] = []) {
    this.values = [...initial];
  }

  /** Adds a value and returns its placeholder. */
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

type Scalar = string | number | boolean;

/** Whether a filter value can equal a stored attribute (JSON holds no NaN or ±Infinity). */
function storable(value: Scalar): boolean {
  return typeof value !== 'number' || Number.isFinite(value);
}

/**
 * Translates an attribute filter into a boolean SQL expression over a `jsonb` column, with the
 * semantics of `matchesFilter` from @stack/vector-io-api:
 *
 * - `eq`/`in` need the key present with a JSON-equal value (same type; numbers compare by value);
 *   `ne`/`nin` are their negations, so a missing key matches them.
 * - `gt`/`gte`/`lt`/`lte` hold only between two numbers or two strings; strings compare by code
 *   point (`COLLATE "C"`), which equals JavaScript's order for every string without characters
 *   beyond U+FFFF.
 * - An empty `and` is true, an empty `or` false.
 *
 * Every comparison yields true or false (never NULL), so the result composes under NOT.
 */
export function filterToSql(filter: AttributeFilter, params: SqlParameters, column = 'attributes'): string {
  switch (filter.type) {
    case 'and':
    case 'or': {
      if (!Array.isArray(filter.filters)) throw new InvalidRequestError(`An '${filter.type}' filter needs a 'filters' array.`, { param: 'filters' });
      if (filter.filters.length === 0) return filter.type === 'and' ? 'TRUE' : 'FALSE';
      const parts = filter.filters.map((inner) => filterToSql(inner, params, column));
      return `(${parts.join(filter.type === 'and' ? ' AND ' : ' OR ')})`;
    }
    case 'eq':
    case 'ne':
    case 'in':
    case 'nin':
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return comparisonToSql(filter, params, column);
    default:
      throw new InvalidRequestError(`Unknown filter type '${String((filter as { type?: unknown }).type)}'.`, { param: 'filters' });
  }
}

const orderOperators = { gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;

function comparisonToSql(filter: ComparisonFilter, params: SqlParameters, column: string): string {
  if (typeof filter.key !== 'string') throw new InvalidRequestError(`A '${filter.type}' filter needs a string 'key'.`, { param: 'filters' });
  const key = () => `${params.add(filter.key)}::text`;
  const value = filter.value;
  switch (filter.type) {
    case 'eq':
      return Array.isArray(value) || !storable(value) ? 'FALSE' : equals(column, key(), value, params);
    case 'ne':
      return Array.isArray(value) || !storable(value) ? 'TRUE' : `NOT ${equals(column, key(), value, params)}`;
    case 'in':
      return Array.isArray(value) ? memberOf(column, key, value, params) : 'FALSE';
    case 'nin':
      return Array.isArray(value) ? `NOT ${memberOf(column, key, value, params)}` : `NOT (${column} ? ${key()})`;
    default: {
      if (Array.isArray(value) || typeof value === 'boolean' || !storable(value)) return 'FALSE';
      const operator = orderOperators[filter.type];
      const keyParam = key();
      if (typeof value === 'number') {
        return `COALESCE(CASE WHEN jsonb_typeof(${column} -> ${keyParam}) = 'number' THEN ${column} -> ${keyParam} ${operator} ${params.add(JSON.stringify(value))}::jsonb END, FALSE)`;
      }
      return `COALESCE(CASE WHEN jsonb_typeof(${column} -> ${keyParam}) = 'string' THEN (${column} ->> ${keyParam}) COLLATE "C" ${operator} ${params.add(value)}::text COLLATE "C" END, FALSE)`;
    }
  }
}

function equals(column: string, key: string, value: Scalar, params: SqlParameters): string {
  return `COALESCE(${column} -> ${key} = ${params.add(JSON.stringify(value))}::jsonb, FALSE)`;
}

/** `key` adds its parameter when called: PostgreSQL rejects parameters a statement never uses. */
function memberOf(column: string, key: () => string, values: readonly Scalar[], params: SqlParameters): string {
  const candidates = values.filter(storable).map((value) => JSON.stringify(value));
  if (candidates.length === 0) return 'FALSE';
  return `COALESCE(${column} -> ${key()} = ANY(${params.add(candidates)}::jsonb[]), FALSE)`;
}
