import { describe, expect, it } from 'vitest';
import { filterToSql, SqlParameters } from './filter-sql.js';

describe('filterToSql', () => {
  it('binds keys and values as parameters, never in the SQL text', () => {
    const params = new SqlParameters(['vector']);
    const sql = filterToSql({ type: 'eq', key: `k'; DROP TABLE x; --`, value: `v'"` }, params);
    expect(sql).toBe('COALESCE(attributes -> $2::text = $3::jsonb, FALSE)');
    expect(params.values).toEqual(['vector', `k'; DROP TABLE x; --`, JSON.stringify(`v'"`)]);
  });

  it('adds no parameter a constant answer does not use (PostgreSQL rejects unused parameters)', () => {
    const cases = [
      [{ type: 'in', key: 'a', value: [] }, 'FALSE'],
      [{ type: 'nin', key: 'a', value: [Number.NaN] }, 'NOT FALSE'],
      [{ type: 'eq', key: 'a', value: ['x'] }, 'FALSE'],
      [{ type: 'ne', key: 'a', value: Number.POSITIVE_INFINITY }, 'TRUE'],
      [{ type: 'gt', key: 'a', value: true }, 'FALSE'],
      [{ type: 'lte', key: 'a', value: [1] }, 'FALSE'],
      [{ type: 'in', key: 'a', value: 'x' }, 'FALSE'],
      [{ type: 'and', filters: [] }, 'TRUE'],
      [{ type: 'or', filters: [] }, 'FALSE'],
    ] as const;
    for (const [filter, expected] of cases) {
      const params = new SqlParameters();
      expect(filterToSql(filter as never, params)).toBe(expected);
      expect(params.values).toEqual([]);
    }
  });

  it('checks types before comparing order, and compares strings by code point', () => {
    const params = new SqlParameters();
    const number = filterToSql({ type: 'gt', key: 'n', value: 2 }, params);
    expect(number).toContain(`jsonb_typeof(attributes -> $1::text) = 'number'`);
    const text = filterToSql({ type: 'lt', key: 's', value: 'm' }, params);
    expect(text).toContain(`jsonb_typeof(attributes -> $3::text) = 'string'`);
    expect(text).toContain('COLLATE "C"');
  });

  it('rejects unknown filter types by name', () => {
    expect(() => filterToSql({ type: 'like', key: 'a', value: 'x' } as never, new SqlParameters())).toThrow(/Unknown filter type 'like'/);
  });
});
