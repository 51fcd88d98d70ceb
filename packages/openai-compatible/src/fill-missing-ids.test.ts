import { describe, expect, it } from 'vitest';
import { fillMissingIds } from './fill-missing-ids.js';

describe('fillMissingIds', () => {
  it('gives an answer without an id a fresh one and keeps existing ids', () => {
    const filled = fillMissingIds({ id: '', object: 'chat.completion' }, 'chatcmpl');
    expect(filled.id).toMatch(/^chatcmpl-[0-9a-f-]{36}$/);
    expect(fillMissingIds({ id: 'kept' }, 'chatcmpl').id).toBe('kept');
  });

  it('uses one id for every chunk of a stream', async () => {
    async function* chunks() {
      yield { id: '', n: 1 };
      yield { id: '', n: 2 };
    }
    const ids: string[] = [];
    for await (const chunk of fillMissingIds(chunks(), 'chatcmpl')) ids.push(chunk.id);
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(1);
    expect(ids[0]).not.toBe('');
  });
});
