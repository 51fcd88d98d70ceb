import { describe, expect, it } from 'vitest';
import { checkTablePrefix, chunkIndexNames, chunkTableName, quoteIdentifier } from './identifiers.js';

describe('table names', () => {
  it('derive a readable, safe and bounded name from any store id', () => {
    const ids = ['vs_0123456789abcdef0123456789abcdef', `vs'; DROP TABLE users; --`, '東京', '', 'A'.repeat(500), 'x"y'];
    for (const id of ids) {
      const name = chunkTableName('stack_pgvector', id);
      expect(name).toMatch(/^stack_pgvector_[a-z0-9_]+$/);
      for (const index of Object.values(chunkIndexNames(name))) expect(Buffer.byteLength(index)).toBeLessThanOrEqual(63);
    }
    expect(chunkTableName('p', 'vs_abc')).toMatch(/^p_vs_abc_[0-9a-f]{12}$/);
  });

  it('keep ids apart that share a slug', () => {
    expect(chunkTableName('p', 'VS-1')).not.toBe(chunkTableName('p', 'vs_1'));
    expect(chunkTableName('p', 'vs_1')).toBe(chunkTableName('p', 'vs_1'));
  });

  it('accept only short lower-case prefixes', () => {
    expect(checkTablePrefix('stack_pgvector')).toBe('stack_pgvector');
    for (const bad of ['', 'Upper', '1abc', 'a-b', 'a'.repeat(21), 'x"; drop']) expect(() => checkTablePrefix(bad)).toThrow(/tablePrefix/);
  });

  it('quote identifiers', () => {
    expect(quoteIdentifier('a"b')).toBe('"a""b"');
  });
});
