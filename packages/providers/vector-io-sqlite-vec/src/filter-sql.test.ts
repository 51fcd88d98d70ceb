import { matchesFilter, type AttributeFilter, type Attributes, type ComparisonFilter } from '@stack/vector-io-api';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileAttributeFilter, registerFilterFunctions } from './filter-sql.js';
import { seededRandom } from '@stack/core/testing';

// Keys a path can spell, and keys it cannot (quote, backslash, control characters).
const KEYS = ['category', 'year', 'a.b', '東京', '', 'with space', '[0]', '$', 'quo"te', 'back\\slash', 'line\nbreak'];
// Never stored: filters on them see a missing key (including inherited names).
const MISSING_KEYS = ['absent', 'toString', 'constructor'];
const STRINGS = ['', 'a', 'A', 'b', 'news', 'news ', 'blog', 'é', 'e\u0301', '東京', '\uE000', '\uFFFF', '😀', 'a😀', 'a\uFFFD', '0', '1', 'true', 'null', 'quo"te', 'back\\slash', 'tab\there', 'line\nbreak', '\u0001', '\u007f', 'a/b', '"1"'];
const NUMBERS = [0, -0, 1, -1, 1.5, 2, 3, 2015, 2020, 1e-7, -2.5, 2 ** 53 + 2, 495052202325037800, 1e21, -1e300, 0.1, 0.30000000000000004];

function pick<T>(next: () => number, items: readonly T[]): T {
  return items[Math.floor(next() * items.length)] as T;
}

function scalar(next: () => number): string | number | boolean {
  const roll = next();
  if (roll < 0.4) return pick(next, STRINGS);
  if (roll < 0.55) return next() < 0.5;
  if (roll < 0.75) return pick(next, NUMBERS);
  return roll < 0.9 ? Math.floor(next() * 10) : (next() - 0.5) * 1e6;
}

function attributes(next: () => number): Attributes {
  const result: Attributes = {};
  for (const key of KEYS) if (next() < 0.6) result[key] = scalar(next);
  return result;
}

const COMPARISONS: Array<ComparisonFilter['type']> = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'nin'];

function comparison(next: () => number, corpus: readonly Attributes[]): ComparisonFilter {
  const type = pick(next, COMPARISONS);
  const key = next() < 0.9 ? pick(next, KEYS) : pick(next, MISSING_KEYS);
  // Mostly values that occur in the corpus under that key, so filters select something.
  const present = corpus.flatMap((item) => (Object.hasOwn(item, key) ? [item[key] as string | number | boolean] : []));
  const value = (): string | number | boolean => (present.length > 0 && next() < 0.6 ? pick(next, present) : scalar(next));
  const wantsArray = type === 'in' || type === 'nin';
  // Sometimes the wrong shape: matchesFilter defines what those mean too.
  const array = next() < 0.1 ? !wantsArray : wantsArray;
  return { type, key, value: array ? Array.from({ length: Math.floor(next() * 4) }, value) : value() };
}

function filter(next: () => number, corpus: readonly Attributes[], depth = 0): AttributeFilter {
  if (depth < 3 && next() < 0.35) {
    const count = Math.floor(next() * 4); // 0 exercises the empty and/or
    return { type: next() < 0.5 ? 'and' : 'or', filters: Array.from({ length: count }, () => filter(next, corpus, depth + 1)) };
  }
  return comparison(next, corpus);
}

describe('compileAttributeFilter', () => {
  let db: Database.Database;
  const next = seededRandom(20240611);
  const corpus = Array.from({ length: 300 }, () => attributes(next));

  beforeAll(() => {
    db = new Database(':memory:');
    registerFilterFunctions(db);
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, jsonb_attributes BLOB NOT NULL, text_attributes TEXT NOT NULL)');
    const insert = db.prepare('INSERT INTO t (id, jsonb_attributes, text_attributes) VALUES (?, jsonb(?), ?)');
    db.transaction(() => corpus.forEach((item, id) => insert.run(id, JSON.stringify(item), JSON.stringify(item))))();
  });

  afterAll(() => db.close());

  const select = (compiled: { sql: string; params: Array<string | number> }): number[] =>
    db
      .prepare(`SELECT id FROM t WHERE ${compiled.sql} ORDER BY id`)
      .pluck()
      .all(...compiled.params) as number[];

  // What a stored row reads back as (JSON turns -0 into 0).
  const stored = corpus.map((item) => JSON.parse(JSON.stringify(item)) as Attributes);
  const expected = (item: AttributeFilter): number[] => stored.flatMap((attributes, id) => (matchesFilter(item, attributes) ? [id] : []));

  it('selects exactly what matchesFilter selects, on JSONB and on JSON text, for 1000 random filters', () => {
    let nonTrivial = 0;
    for (let round = 0; round < 1000; round += 1) {
      const item = filter(next, corpus);
      const want = expected(item).join(',');
      const count = want === '' ? 0 : want.split(',').length;
      if (count > 0 && count < corpus.length) nonTrivial += 1;
      const label = JSON.stringify(item);
      // Joined ids: toEqual on thousands of arrays would dominate the run time.
      expect(select(compileAttributeFilter(item, 't.jsonb_attributes')).join(','), label).toBe(want);
      expect(select(compileAttributeFilter(item, 'text_attributes')).join(','), label).toBe(want);
    }
    // The generator must produce filters that discriminate, or the comparison above proves little.
    expect(nonTrivial).toBeGreaterThan(450);
  });

  it('handles long in/nin lists (passed as one JSON parameter) exactly', () => {
    const values = [...STRINGS, ...NUMBERS, true, false, ...Array.from({ length: 80 }, (_, index) => `filler-${index}`), ...Array.from({ length: 80 }, (_, index) => index * 1.25)];
    for (const key of KEYS) {
      for (const type of ['in', 'nin'] as const) {
        for (const slice of [values, values.filter((value) => typeof value === 'number'), values.filter((value) => typeof value === 'string')]) {
          const item: AttributeFilter = { type, key, value: slice };
          expect(compileAttributeFilter(item, 'jsonb_attributes').params.length).toBeLessThan(10);
          expect(select(compileAttributeFilter(item, 'jsonb_attributes')).join(','), `${type} ${key}`).toBe(expected(item).join(','));
          expect(select(compileAttributeFilter(item, 'text_attributes')).join(','), `${type} ${key}`).toBe(expected(item).join(','));
        }
      }
    }
  });

  it('never yields NULL, so negations of missing keys hold', () => {
    for (const key of [...KEYS, ...MISSING_KEYS]) {
      for (const type of COMPARISONS) {
        const value = type === 'in' || type === 'nin' ? ['news', 1, true] : 'news';
        const compiled = compileAttributeFilter({ type, key, value }, 'jsonb_attributes');
        const nulls = db
          .prepare(`SELECT count(*) FROM t WHERE (${compiled.sql}) IS NULL`)
          .pluck()
          .get(...compiled.params);
        expect(nulls, `${type} ${key}`).toBe(0);
      }
    }
  });

  it('keeps booleans apart from the numbers 1 and 0', () => {
    const compiled = (value: number | boolean) => compileAttributeFilter({ type: 'eq', key: 'flag', value }, 'text_attributes');
    const rows = [{ flag: true }, { flag: 1 }, { flag: false }, { flag: 0 }, {}];
    const local = new Database(':memory:');
    try {
      local.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, text_attributes TEXT)');
      rows.forEach((row, id) => local.prepare('INSERT INTO t VALUES (?, ?)').run(id, JSON.stringify(row)));
      const ids = (value: number | boolean) => {
        const { sql, params } = compiled(value);
        return local
          .prepare(`SELECT id FROM t WHERE ${sql} ORDER BY id`)
          .pluck()
          .all(...params);
      };
      expect(ids(true)).toEqual([0]);
      expect(ids(1)).toEqual([1]);
      expect(ids(false)).toEqual([2]);
      expect(ids(0)).toEqual([3]);
    } finally {
      local.close();
    }
  });

  it('orders strings by UTF-16 code units as JavaScript does', () => {
    // JavaScript puts '😀' (surrogates 0xD83D 0xDE00) before '\uFFFF'; UTF-8 byte order puts it after.
    expect('😀' < '\uFFFF').toBe(true);
    expect(db.prepare("SELECT ? < ?").pluck().get('😀', '\uFFFF')).toBe(0);
    const values = ['\uE000', '\uFFFF', '😀', 'z'];
    for (const value of values) {
      for (const type of ['gt', 'lt', 'gte', 'lte'] as const) {
        const item: AttributeFilter = { type, key: 'category', value };
        expect(select(compileAttributeFilter(item, 'jsonb_attributes')), `${type} ${value}`).toEqual(expected(item));
      }
    }
  });

  it('binds keys and values, never splicing them into the SQL', () => {
    const hostile = `x'); DROP TABLE t; --`;
    const compiled = compileAttributeFilter(
      { type: 'or', filters: [{ type: 'eq', key: hostile, value: hostile }, { type: 'in', key: 'k"', value: [hostile] }] },
      'jsonb_attributes',
    );
    expect(compiled.sql).not.toContain('DROP');
    expect(compiled.params).toContain(hostile);
    expect(select(compiled)).toEqual([]);
    expect(() => compileAttributeFilter({ type: 'eq', key: 'a', value: 1 }, 'x; DROP TABLE t')).toThrow(/column/);
  });
});
