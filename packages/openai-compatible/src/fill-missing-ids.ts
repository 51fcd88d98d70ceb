import { randomUUID } from 'node:crypto';

/**
 * Some servers (TGI, and Hugging Face endpoints running it) send `"id": ""` in completions and
 * every stream chunk. Clients and the stack's stores key completions by id, so an empty one gets a
 * fresh value, the same for every chunk of one answer.
 */
export function fillMissingIds<R>(result: R, prefix: string): R {
  const id = `${prefix}-${randomUUID()}`;
  const fill = (item: unknown): unknown => {
    const record = item as { id?: unknown } | null;
    return record && typeof record === 'object' && !record.id ? { ...record, id } : item;
  };
  if (result && typeof result === 'object' && Symbol.asyncIterator in result) {
    const stream = result as AsyncIterable<unknown>;
    return (async function* () {
      for await (const chunk of stream) yield fill(chunk);
    })() as R;
  }
  return fill(result) as R;
}
