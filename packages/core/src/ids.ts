import { randomUUID } from 'node:crypto';

/** An id in the OpenAI style: a prefix and a random part, e.g. `chatcmpl-6f1c…`. */
export function generateId(prefix: string): string {
  return `${prefix}-${randomUUID().replaceAll('-', '')}`;
}

/** Seconds since the epoch, as OpenAI's `created` fields use. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
