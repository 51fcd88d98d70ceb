import { describe, expect, it } from 'vitest';
import { decodeDataUrl, ragToolRuntimeConfigSchema } from '../src/index.js';

describe('ragToolRuntimeConfigSchema', () => {
  it('defaults every key, for an empty or absent block', () => {
    const defaults = { max_chunks: 5, max_tokens_in_context: 4096, chunk_size_in_tokens: 512, chunk_overlap_in_tokens: 64 };
    expect(ragToolRuntimeConfigSchema.parse({})).toEqual(defaults);
    expect(ragToolRuntimeConfigSchema.parse(null)).toEqual(defaults);
    expect(ragToolRuntimeConfigSchema.parse(undefined)).toEqual(defaults);
    expect(ragToolRuntimeConfigSchema.parse({ max_chunks: '' })).toEqual(defaults);
  });

  it('accepts numeric strings from environment substitution', () => {
    expect(ragToolRuntimeConfigSchema.parse({ max_chunks: '8', max_tokens_in_context: ' 2000 ', chunk_size_in_tokens: '256', chunk_overlap_in_tokens: '128' })).toMatchObject({
      max_chunks: 8,
      max_tokens_in_context: 2000,
      chunk_size_in_tokens: 256,
      chunk_overlap_in_tokens: 128,
    });
  });

  it.each([
    [{ chunk_size_in_tokens: 100, chunk_overlap_in_tokens: 51 }, 'chunk_overlap_in_tokens'],
    [{ max_chunks: 0 }, 'max_chunks'],
    [{ max_chunks: 51 }, 'max_chunks'],
    [{ max_tokens_in_context: 'lots' }, 'max_tokens_in_context'],
    [{ chunk_size_in_tokens: 5000 }, 'chunk_size_in_tokens'],
  ])('refuses %j', (config, field) => {
    const parsed = ragToolRuntimeConfigSchema.safeParse(config);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual([field]);
  });
});

describe('decodeDataUrl', () => {
  const text = (data: Uint8Array) => new TextDecoder().decode(data);

  it('decodes base64 with its media type', () => {
    const decoded = decodeDataUrl(`data:text/markdown;base64,${Buffer.from('# Title ✓').toString('base64')}`, 'p');
    expect(decoded.contentType).toBe('text/markdown');
    expect(text(decoded.data)).toBe('# Title ✓');
  });

  it('decodes percent-encoded data, bytes and UTF-8 characters alike', () => {
    const decoded = decodeDataUrl('data:text/plain;charset=utf-8,Hello%20World%E2%9C%93 é', 'p');
    expect(decoded.contentType).toBe('text/plain;charset=utf-8');
    expect(text(decoded.data)).toBe('Hello World✓ é');
    expect([...decodeDataUrl('data:,%FF%00', 'p').data]).toEqual([255, 0]);
  });

  it('leaves the media type unset when the URL gives none, and fills it for bare parameters', () => {
    expect(decodeDataUrl('data:,hi', 'p').contentType).toBeUndefined();
    expect(decodeDataUrl('data:;charset=utf-8,hi', 'p').contentType).toBe('text/plain;charset=utf-8');
  });

  it('accepts base64 broken over lines', () => {
    expect(text(decodeDataUrl('data:text/plain;base64,aGVs\nbG8=', 'p').data)).toBe('hello');
  });

  it('names the field in errors', () => {
    expect(() => decodeDataUrl('data:text/plain', 'kwargs.documents[2].content')).toThrow(/kwargs\.documents\[2\]\.content/);
    expect(() => decodeDataUrl('data:;base64,###', 'x')).toThrow(/not valid base64/);
  });
});
