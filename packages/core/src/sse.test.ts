import { describe, expect, it } from 'vitest';
import { encodeSseData, encodeSseError, isAsyncIterable } from './sse.js';

describe('server-sent events', () => {
  it('frames one JSON value per data line, newlines escaped by JSON', () => {
    expect(encodeSseData({ text: 'a\nb' })).toBe('data: {"text":"a\\nb"}\n\n');
    expect(encodeSseError({ error: { message: 'x' } })).toBe('event: error\ndata: {"error":{"message":"x"}}\n\n');
  });

  it('recognises async iterables only', async () => {
    async function* generate() {
      yield 1;
    }
    expect(isAsyncIterable(generate())).toBe(true);
    expect(isAsyncIterable([1])).toBe(false);
    expect(isAsyncIterable({ id: 'chatcmpl' })).toBe(false);
    expect(isAsyncIterable(null)).toBe(false);
  });
});
