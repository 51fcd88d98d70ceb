import { InvalidRequestError } from '@stack/core';
import type { AttributeFilter, ComparisonFilter, CompoundFilter } from '@stack/vector-io-api';
import type Database from 'better-sqlite3';

/*
 * OpenAI attribute filters as SQL over a column holding the attributes as JSON (text or JSONB).
 * The SQL matches `matchesFilter` from @stack/vector-io-api exactly:
 * - a value matches only a value of the same JSON type (strings `text`; numbers `integer`/`real`;
 *   booleans the JSON literals `true`/`false`, never the numbers 1 and 0);
 * - a missing key fails every comparison except `ne`/`nin`, which it passes;
 * - every fragment evaluates to 0 or 1, never NULL, so `NOT` is a true negation;
 * - equality compares JSON texts (one lookup per row) where the key allows a path, else type and value;
 * - numbers compare as doubles (JSON integers beyond 2^53 are rounded as JavaScript rounds them);
 * - strings order by UTF-16 code units like JavaScript's `<` (SQLite compares UTF-8 bytes, which
 *   agrees unless the filter value holds a character at or above U+D800; those comparisons go
 *   through a small SQL function registered by `registerFilterFunctions`).
 * Keys and values are always bound as parameters; only the trusted column name is interpolated.
 */

/** A piece of SQL with the values for its `?` placeholders, in order. */
export interface SqlFragment {
  sql: string;
  params: Array<string | number>;
}

/** The SQL function comparing two strings by UTF-16 code units (−1, 0, 1). */
export const UTF16_COMPARE_FUNCTION = 'stack_utf16_compare';

const COMPARISON_TYPES = new Set<string>(['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'nin']);
const TRUE: SqlFragment = { sql: '1', params: [] };
const FALSE: SqlFragment = { sql: '0', params: [] };
const COLUMN_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/;

/** Registers the SQL functions compiled filters may call; once per connection. */
export function registerFilterFunctions(db: Database.Database): void {
  db.function(UTF16_COMPARE_FUNCTION, { deterministic: true, directOnly: true }, (left: unknown, right: unknown) => {
    if (typeof left !== 'string' || typeof right !== 'string') return 0;
    return left < right ? -1 : left > right ? 1 : 0;
  });
}

/**
 * Compiles a filter into a boolean SQL expression over `column` (an identifier such as `c.attributes`,
 * never user input), which holds each row's attributes as a JSON object written by `JSON.stringify`
 * (as text or as JSONB made from that text).
 */
export function compileAttributeFilter(filter: AttributeFilter, column: string): SqlFragment {
  if (!COLUMN_PATTERN.test(column)) throw new Error(`Not a column reference: ${column}`);
  return compile(filter, column);
}

function compile(filter: AttributeFilter, column: string): SqlFragment {
  if (!isCompound(filter)) return compileComparison(filter, column);
  const inner: unknown = filter.filters;
  if (!Array.isArray(inner)) throw new InvalidRequestError(`An '${filter.type}' filter needs a 'filters' array.`, { param: 'filters' });
  const parts = (inner as AttributeFilter[]).map((item) => compile(item, column));
  if (parts.length === 0) return filter.type === 'and' ? TRUE : FALSE;
  return join(parts, filter.type === 'and' ? ' AND ' : ' OR ');
}

function isCompound(filter: AttributeFilter): filter is CompoundFilter {
  return filter.type === 'and' || filter.type === 'or';
}

function isScalar(value: unknown): value is Scalar {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

function compileComparison(filter: ComparisonFilter, column: string): SqlFragment {
  if (!COMPARISON_TYPES.has(filter.type)) throw new InvalidRequestError(`Unknown filter type '${String(filter.type)}'.`, { param: 'filters.type' });
  if (typeof filter.key !== 'string') throw new InvalidRequestError(`A '${filter.type}' filter needs a string 'key'.`, { param: 'filters.key' });
  const valid = Array.isArray(filter.value) ? filter.value.every(isScalar) : isScalar(filter.value);
  if (!valid) {
    throw new InvalidRequestError(`Filter value for '${filter.key}' must be a string, number, boolean or an array of those.`, {
      param: 'filters.value',
    });
  }
  const access = keyAccess(filter.key, column);
  const value = filter.value;
  switch (filter.type) {
    case 'eq':
      return Array.isArray(value) ? FALSE : equals(access, value);
    case 'ne':
      return Array.isArray(value) ? TRUE : not(equals(access, value));
    case 'in':
      return Array.isArray(value) ? oneOf(access, value) : FALSE;
    case 'nin':
      return Array.isArray(value) ? not(oneOf(access, value)) : { sql: `(${access.type.sql} IS NULL)`, params: [...access.type.params] };
    default:
      return ordered(access, filter.type, value);
  }
}

interface KeyAccess {
  /** The key's value written as JSON (`"news"`, `2020`, `true`), NULL when missing; only for keys a path can spell. */
  json?: SqlFragment | undefined;
  /** The JSON type of the key's value (`text`, `integer`, `real`, `true`, `false`, `null`), NULL when missing. */
  type: SqlFragment;
  /** The key's value as an SQL value. */
  value: SqlFragment;
}

/**
 * A key that JSON writes without escapes is addressed by the path `$."key"`; SQLite's path syntax
 * cannot spell `"` or `\` inside a quoted label, so other keys are looked up through `json_each`.
 */
function keyAccess(key: string, column: string): KeyAccess {
  if (JSON.stringify(key) === `"${key}"`) {
    const path = `$."${key}"`;
    return {
      json: { sql: `(${column} -> ?)`, params: [path] },
      type: { sql: `json_type(${column}, ?)`, params: [path] },
      value: { sql: `json_extract(${column}, ?)`, params: [path] },
    };
  }
  return {
    type: { sql: `(SELECT type FROM json_each(${column}) WHERE key = ?)`, params: [key] },
    value: { sql: `(SELECT atom FROM json_each(${column}) WHERE key = ?)`, params: [key] },
  };
}

type Scalar = string | number | boolean;

function isText(access: KeyAccess): SqlFragment {
  return { sql: `${access.type.sql} IS 'text'`, params: [...access.type.params] };
}

function isNumber(access: KeyAccess): SqlFragment {
  return { sql: `coalesce(${access.type.sql}, '') IN ('integer', 'real')`, params: [...access.type.params] };
}

function asReal(access: KeyAccess): SqlFragment {
  return { sql: `CAST(${access.value.sql} AS REAL)`, params: [...access.value.params] };
}

/**
 * Equality by JSON text: attributes are stored as `JSON.stringify` wrote them, and SQLite renders a
 * stored scalar exactly as it was written, so two scalars are equal (same type, same value; 0 and
 * −0 alike) exactly when their JSON texts are. One JSON lookup per row instead of two.
 */
function jsonEquals(json: SqlFragment, values: readonly Scalar[]): SqlFragment {
  // NaN and ±Infinity have no JSON form and equal no stored value.
  const texts = [...new Set(values.filter((value) => typeof value !== 'number' || Number.isFinite(value)).map((value) => JSON.stringify(value)))];
  if (texts.length === 0) return FALSE;
  if (texts.length === 1) return { sql: `(coalesce(${json.sql}, '') = ?)`, params: [...json.params, texts[0] as string] };
  const list = valueList(texts);
  return { sql: `(coalesce(${json.sql}, '') IN ${list.sql})`, params: [...json.params, ...list.params] };
}

function equals(access: KeyAccess, value: Scalar): SqlFragment {
  if (access.json) return jsonEquals(access.json, [value]);
  if (typeof value === 'boolean') return { sql: `(${access.type.sql} IS '${value ? 'true' : 'false'}')`, params: [...access.type.params] };
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return FALSE;
    return and(isNumber(access), { sql: `${asReal(access).sql} = ?`, params: [...access.value.params, value] });
  }
  return and(isText(access), { sql: `${access.value.sql} = ?`, params: [...access.value.params, value] });
}

function oneOf(access: KeyAccess, values: readonly Scalar[]): SqlFragment {
  if (access.json) return jsonEquals(access.json, values);
  const strings = [...new Set(values.filter((value): value is string => typeof value === 'string'))];
  const numbers = [...new Set(values.filter((value): value is number => typeof value === 'number' && !Number.isNaN(value)))];
  const parts: SqlFragment[] = [];
  if (strings.length > 0) {
    const list = valueList(strings);
    parts.push(and(isText(access), { sql: `${access.value.sql} IN ${list.sql}`, params: [...access.value.params, ...list.params] }));
  }
  if (numbers.length > 0) {
    const list = valueList(numbers);
    parts.push(and(isNumber(access), { sql: `${asReal(access).sql} IN ${list.sql}`, params: [...access.value.params, ...list.params] }));
  }
  if (values.includes(true)) parts.push(equals(access, true));
  if (values.includes(false)) parts.push(equals(access, false));
  return parts.length === 0 ? FALSE : join(parts, ' OR ');
}

const OPERATORS = { gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;

function ordered(access: KeyAccess, type: keyof typeof OPERATORS, value: ComparisonFilter['value']): SqlFragment {
  const operator = OPERATORS[type];
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return FALSE;
    return and(isNumber(access), { sql: `${asReal(access).sql} ${operator} ?`, params: [...access.value.params, value] });
  }
  if (typeof value === 'string') {
    const comparison = needsUtf16Comparison(value)
      ? { sql: `${UTF16_COMPARE_FUNCTION}(${access.value.sql}, ?) ${operator} 0`, params: [...access.value.params, value] }
      : { sql: `${access.value.sql} ${operator} ?`, params: [...access.value.params, value] };
    return and(isText(access), comparison);
  }
  // Booleans and arrays are never ordered.
  return FALSE;
}

/**
 * UTF-8 byte order and UTF-16 code-unit order agree except between a character in U+E000–U+FFFF
 * and one above U+FFFF. When the filter value has no code unit at or above 0xD800, the first
 * difference from any stored string involves a smaller character on the filter's side, where both
 * orders agree.
 */
function needsUtf16Comparison(value: string): boolean {
  for (let index = 0; index < value.length; index += 1) if (value.charCodeAt(index) >= 0xd800) return true;
  return false;
}

/** Lists longer than this go in as one JSON parameter, far from SQLite's limit on parameters. */
const MAX_LISTED_VALUES = 64;

/**
 * `(?, ?, …)`, or for long lists `(SELECT value FROM json_each(?))`; numbers read back from JSON
 * are cast to REAL, since JSON.stringify may write a double as an integer literal it only rounds to.
 */
function valueList(values: readonly string[] | readonly number[]): SqlFragment {
  if (values.length > MAX_LISTED_VALUES) {
    const value = typeof values[0] === 'number' ? 'CAST(value AS REAL)' : 'value';
    return { sql: `(SELECT ${value} FROM json_each(?))`, params: [JSON.stringify(values)] };
  }
  return { sql: `(${values.map(() => '?').join(', ')})`, params: [...values] };
}

function and(left: SqlFragment, right: SqlFragment): SqlFragment {
  return join([left, right], ' AND ');
}

function join(parts: readonly SqlFragment[], separator: string): SqlFragment {
  if (parts.length === 1) return parts[0] as SqlFragment;
  return { sql: `(${parts.map((part) => part.sql).join(separator)})`, params: parts.flatMap((part) => part.params) };
}

function not(fragment: SqlFragment): SqlFragment {
  return { sql: `(NOT ${fragment.sql})`, params: [...fragment.params] };
}
