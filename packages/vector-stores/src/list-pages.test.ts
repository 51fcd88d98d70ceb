import { InvalidRequestError } from '@stack/core';
import { describe, expect, it } from 'vitest';
import { paginate } from './list-pages.js';

interface Item {
  id: string;
  created_at: number;
  kind: 'odd' | 'even';
}

// Ten items; items 4 and 5 share a timestamp, so the id breaks the tie.
const items: Item[] = Array.from({ length: 10 }, (_, index) => ({
  id: `item_${String(index).padStart(2, '0')}`,
  created_at: 100 + (index === 5 ? 4 : index),
  kind: index % 2 === 0 ? 'even' : 'odd',
}));
const shuffled = [...items].reverse().sort((a, b) => (a.id.charCodeAt(6) % 3) - (b.id.charCodeAt(6) % 3));
const keyOf = (item: Item) => ({ id: item.id, createdAt: item.created_at });
const ids = (page: { data: Item[] }) => page.data.map((item) => Number(item.id.slice(5)));

describe('paginate', () => {
  it('lists newest first by default, 20 at most', () => {
    const page = paginate(shuffled, {}, keyOf);
    expect(ids(page)).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    expect(page).toMatchObject({ object: 'list', first_id: 'item_09', last_id: 'item_00', has_more: false });
  });

  it('walks forward with after, in either order', () => {
    const first = paginate(shuffled, { limit: 4, order: 'asc' }, keyOf);
    expect(ids(first)).toEqual([0, 1, 2, 3]);
    expect(first.has_more).toBe(true);
    const second = paginate(shuffled, { limit: 4, order: 'asc', after: first.last_id! }, keyOf);
    expect(ids(second)).toEqual([4, 5, 6, 7]);
    const third = paginate(shuffled, { limit: 4, order: 'asc', after: second.last_id! }, keyOf);
    expect(ids(third)).toEqual([8, 9]);
    expect(third.has_more).toBe(false);
    expect(ids(paginate(shuffled, { limit: 3, after: 'item_05' }, keyOf))).toEqual([4, 3, 2]);
  });

  it('walks back with before: the items just before the cursor', () => {
    const page = paginate(shuffled, { limit: 3, order: 'asc', before: 'item_07' }, keyOf);
    expect(ids(page)).toEqual([4, 5, 6]);
    expect(page.has_more).toBe(true);
    const rest = paginate(shuffled, { limit: 10, order: 'asc', before: 'item_02' }, keyOf);
    expect(ids(rest)).toEqual([0, 1]);
    expect(rest.has_more).toBe(false);
    expect(ids(paginate(shuffled, { order: 'asc', after: 'item_02', before: 'item_06' }, keyOf))).toEqual([3, 4, 5]);
  });

  it('filters without invalidating cursors of items the filter leaves out', () => {
    const odd = (item: Item) => item.kind === 'odd';
    const page = paginate(shuffled, { limit: 2, order: 'asc', after: 'item_02' }, keyOf, odd);
    expect(ids(page)).toEqual([3, 5]);
    expect(page.has_more).toBe(true);
  });

  it('refuses an unknown cursor and a bad limit, naming the parameter', () => {
    expect(() => paginate(items, { after: 'nope' }, keyOf)).toThrow(expect.objectContaining({ param: 'after' }));
    expect(() => paginate(items, { before: 'nope' }, keyOf)).toThrow(InvalidRequestError);
    expect(() => paginate(items, { limit: 0 }, keyOf)).toThrow(expect.objectContaining({ param: 'limit' }));
    expect(paginate(items, { limit: 1000 }, keyOf).data).toHaveLength(10);
  });
});
