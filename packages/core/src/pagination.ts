import { InvalidRequestError } from './errors.js';

export type SortOrder = 'asc' | 'desc';

export interface CursorPageRequest {
  /** Id of the last item of the previous page. */
  after?: string | undefined;
  limit?: number | undefined;
  order?: SortOrder | undefined;
}

/** OpenAI's list shape: `{object: "list", data, first_id, last_id, has_more}`. */
export interface CursorPage<T> {
  object: 'list';
  data: T[];
  first_id: string | null;
  last_id: string | null;
  has_more: boolean;
}

export const DEFAULT_PAGE_LIMIT = 20;
export const MAX_PAGE_LIMIT = 100;

/**
 * Pages an in-memory list already sorted ascending by `sortKey` (ties broken by id). Stores that
 * can page in SQL should do so; this serves small lists and tests.
 */
export function paginateSorted<T>(
  items: readonly T[],
  request: CursorPageRequest,
  idOf: (item: T) => string,
): CursorPage<T> {
  const limit = clampLimit(request.limit);
  const ordered = request.order === 'asc' ? [...items] : [...items].reverse();
  let start = 0;
  if (request.after !== undefined) {
    const index = ordered.findIndex((item) => idOf(item) === request.after);
    if (index < 0) throw new InvalidRequestError(`Cursor 'after=${request.after}' does not name an item of this list.`, { param: 'after' });
    start = index + 1;
  }
  const data = ordered.slice(start, start + limit);
  return toCursorPage(data, start + limit < ordered.length, idOf);
}

export function toCursorPage<T>(data: T[], hasMore: boolean, idOf: (item: T) => string): CursorPage<T> {
  return {
    object: 'list',
    data,
    first_id: data.length > 0 ? idOf(data[0] as T) : null,
    last_id: data.length > 0 ? idOf(data[data.length - 1] as T) : null,
    has_more: hasMore,
  };
}

export function clampLimit(limit: number | undefined, fallback = DEFAULT_PAGE_LIMIT): number {
  if (limit === undefined) return fallback;
  if (!Number.isInteger(limit) || limit < 1) throw new InvalidRequestError('limit must be a positive integer.', { param: 'limit' });
  return Math.min(limit, MAX_PAGE_LIMIT);
}
