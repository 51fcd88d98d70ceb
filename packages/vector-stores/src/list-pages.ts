import { clampLimit, InvalidRequestError } from '@stack/core';
import type { ListPage } from '@stack/vector-io-api';

export interface ListPageQuery {
  limit?: number | undefined;
  order?: 'asc' | 'desc' | undefined;
  after?: string | undefined;
  before?: string | undefined;
}

/**
 * One page of a list ordered by `created_at` then `id` (newest first unless `order: 'asc'`).
 * `after` and `before` name items of the whole list (before `keep` is applied), so a cursor stays
 * valid when its item no longer passes a status filter. With only `before`, the page is the
 * `limit` items just before the cursor and `has_more` says whether more precede them.
 */
export function paginate<T>(
  items: readonly T[],
  query: ListPageQuery,
  keyOf: (item: T) => { id: string; createdAt: number },
  keep: (item: T) => boolean = () => true,
): ListPage<T> {
  const limit = clampLimit(query.limit);
  const ascending = [...items].sort((a, b) => {
    const x = keyOf(a);
    const y = keyOf(b);
    return x.createdAt - y.createdAt || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0);
  });
  const ordered = (query.order ?? 'desc') === 'asc' ? ascending : ascending.reverse();
  const positionOf = (cursor: string, param: 'after' | 'before') => {
    const position = ordered.findIndex((item) => keyOf(item).id === cursor);
    if (position < 0) throw new InvalidRequestError(`Cursor '${param}=${cursor}' does not name an item of this list.`, { param });
    return position;
  };
  const start = query.after === undefined ? 0 : positionOf(query.after, 'after') + 1;
  const end = query.before === undefined ? ordered.length : positionOf(query.before, 'before');
  const window = ordered.slice(start, Math.max(start, end)).filter(keep);
  const data = query.before !== undefined && query.after === undefined ? window.slice(Math.max(0, window.length - limit)) : window.slice(0, limit);
  return {
    object: 'list',
    data,
    first_id: data.length > 0 ? keyOf(data[0] as T).id : null,
    last_id: data.length > 0 ? keyOf(data[data.length - 1] as T).id : null,
    has_more: window.length > limit,
  };
}
