/**
 * Server-sent-event framing as the reference server writes it: one `data: <json>\n\n` frame per
 * chunk. The reference sends no `[DONE]` sentinel; OpenAI clients accept either.
 */
export function encodeSseData(value: unknown): string {
  return `data: ${JSON.stringify(value)}\n\n`;
}

/** An SSE frame carrying an error, sent when a stream fails after it has started. */
export function encodeSseError(envelope: unknown): string {
  return `event: error\ndata: ${JSON.stringify(envelope)}\n\n`;
}

export function isAsyncIterable<T = unknown>(value: unknown): value is AsyncIterable<T> {
  return typeof value === 'object' && value !== null && typeof (value as Record<symbol, unknown>)[Symbol.asyncIterator] === 'function';
}
