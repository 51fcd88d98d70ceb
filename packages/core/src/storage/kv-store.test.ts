import { describe, expect, it } from 'vitest';
import { prefixUpperBound } from './kv-store.js';

describe('prefixUpperBound', () => {
  it('increments the last code point', () => {
    expect(prefixUpperBound('ns:')).toBe('ns;');
    expect(prefixUpperBound('a%')).toBe('a&');
    expect(prefixUpperBound('\u{1f600}')).toBe('\u{1f601}');
    expect(prefixUpperBound('a\uffff')).toBe('a\u{10000}');
  });

  it('skips the surrogate range and carries past the last code point', () => {
    expect(prefixUpperBound('a\ud7ff')).toBe('a\ue000');
    expect(prefixUpperBound('a\u{10ffff}')).toBe('b');
    expect(prefixUpperBound('\u{10ffff}')).toBeUndefined();
    expect(prefixUpperBound('')).toBeUndefined();
  });
});
