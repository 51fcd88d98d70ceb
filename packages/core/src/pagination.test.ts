import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from './errors.js';
import { generateId, nowSeconds } from './ids.js';
import { MAX_PAGE_LIMIT, clampLimit, paginateSorted } from './pagination.js';

const items = Array.from({ length: 5 }, (_, index) => ({ id: `item-${index}` }));
const idOf = (item: { id: string }) => item.id;

describe('paginateSorted', () => {
  it('pages newest first by default, following the after cursor', () => {
    const first = paginateSorted(items, { limit: 2 }, idOf);
    expect(first).toEqual({ object: 'list', data: [{ id: 'item-4' }, { id: 'item-3' }], first_id: 'item-4', last_id: 'item-3', has_more: true });
    const second = paginateSorted(items, { limit: 2, after: first.last_id ?? undefined }, idOf);
    expect(second.data.map(idOf)).toEqual(['item-2', 'item-1']);
    const last = paginateSorted(items, { limit: 2, after: second.last_id ?? undefined }, idOf);
    expect(last).toMatchObject({ data: [{ id: 'item-0' }], has_more: false });
  });

  it('pages oldest first with order=asc, and reports an empty page', () => {
    expect(paginateSorted(items, { order: 'asc', limit: 3 }, idOf).data.map(idOf)).toEqual(['item-0', 'item-1', 'item-2']);
    expect(paginateSorted([], {}, idOf)).toEqual({ object: 'list', data: [], first_id: null, last_id: null, has_more: false });
  });

  it('rejects a cursor that is not in the list and a bad limit, naming the parameter', () => {
    const error = (() => {
      try {
        paginateSorted(items, { after: 'nope' }, idOf);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as InvalidRequestError).param).toBe('after');
    expect(() => clampLimit(0)).toThrowError(/limit/);
    expect(() => clampLimit(1.5)).toThrowError(/limit/);
    expect(clampLimit(10_000)).toBe(MAX_PAGE_LIMIT);
  });
});

describe('ids', () => {
  it('makes distinct prefixed ids and epoch seconds', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => generateId('chatcmpl')));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^chatcmpl-[0-9a-f]{32}$/);
    expect(Math.abs(nowSeconds() - Date.now() / 1000)).toBeLessThan(1);
  });
});
