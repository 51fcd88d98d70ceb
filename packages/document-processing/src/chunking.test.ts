import { describe, expect, it } from 'vitest';
import { AUTO_CHUNKING, chunkText, type TextChunk } from './chunking.js';
import { countTokens, decodeTokens, encodeTokens, TOKENIZER_NAME } from './tokenizer.js';

const sentences = [
  'Vector stores split documents into overlapping windows of tokens.',
  'Each window is embedded and indexed for similarity search.',
  'Overlap keeps sentences that straddle a boundary retrievable.',
  'Deterministic chunking lets re-ingestion reproduce identical chunks.',
  'Ünïcödé text, 中文文本, and emoji 🙂 must survive the round trip.',
];

/** Numbered sentences, a blank line after every seventh, of at least `tokensAtLeast` tokens. */
function longText(tokensAtLeast: number): string {
  const parts: string[] = [];
  let estimate = 0;
  for (let i = 0; estimate < tokensAtLeast; i++) {
    const sentence = `${i}. ${sentences[i % sentences.length]}${i % 7 === 6 ? '\n\n' : ' '}`;
    parts.push(sentence);
    estimate += countTokens(sentence);
  }
  return parts.join('');
}

function checkWindows(text: string, chunks: TextChunk[], size: number, overlap: number): void {
  const tokens = encodeTokens(text);
  const stride = size - overlap;
  expect(chunks.length).toBeGreaterThan(0);
  chunks.forEach((chunk, i) => {
    expect(chunk.index).toBe(i);
    expect(chunk.startToken).toBe(i * stride);
    expect(chunk.tokenCount).toBe(chunk.endToken - chunk.startToken);
    expect(chunk.tokenCount).toBeLessThanOrEqual(size);
    if (i < chunks.length - 1) expect(chunk.tokenCount).toBe(size);
  });
  // The windows cover every token, the last one ending at the end of the text.
  expect(chunks[0]!.startToken).toBe(0);
  expect(chunks.at(-1)!.endToken).toBe(tokens.length);
  // No window is redundant: every window but the first reaches past the one before it.
  for (let i = 1; i < chunks.length; i++) expect(chunks[i]!.endToken).toBeGreaterThan(chunks[i - 1]!.endToken);
}

describe('chunkText', () => {
  it('records the tokenizer', () => {
    expect(TOKENIZER_NAME).toBe('tiktoken:cl100k_base');
    expect(AUTO_CHUNKING).toEqual({ maxChunkSizeTokens: 800, chunkOverlapTokens: 400 });
  });

  it('returns no chunks for empty text and one chunk for short text', () => {
    expect(chunkText('', AUTO_CHUNKING)).toEqual([]);
    const chunks = chunkText('Hello world.', AUTO_CHUNKING);
    expect(chunks).toEqual([{ text: 'Hello world.', index: 0, tokenCount: 3, startToken: 0, endToken: 3 }]);
  });

  it('treats special-token strings as ordinary text', () => {
    const text = 'before <|endoftext|> after';
    const chunks = chunkText(text, AUTO_CHUNKING);
    expect(chunks).toHaveLength(1);
    expect(chunks[0]!.text).toBe(text);
    expect(chunks[0]!.tokenCount).toBe(countTokens(text));
    expect(countTokens(text)).toBeGreaterThan(3);
  });

  it('makes windows of the configured size with the configured stride', () => {
    const text = longText(3000);
    for (const [size, overlap] of [
      [800, 400],
      [100, 0],
      [128, 17],
      [1, 0],
      [50, 49],
    ] as const) {
      checkWindows(text, chunkText(text, { maxChunkSizeTokens: size, chunkOverlapTokens: overlap }), size, overlap);
    }
  });

  it('shares exactly chunkOverlapTokens tokens between adjacent chunks', () => {
    const text = longText(2000).replace(/[^\x20-\x7e\n]/g, '?'); // ASCII, so no window cuts a character
    const overlap = 37;
    const tokens = encodeTokens(text);
    const chunks = chunkText(text, { maxChunkSizeTokens: 200, chunkOverlapTokens: overlap });
    expect(chunks.length).toBeGreaterThan(5);
    for (let i = 1; i < chunks.length; i++) {
      const previous = chunks[i - 1]!;
      const current = chunks[i]!;
      expect(previous.endToken - current.startToken).toBe(overlap);
      const shared = decodeTokens(tokens, current.startToken, previous.endToken);
      expect(shared.length).toBeGreaterThan(0);
      expect(previous.text.endsWith(shared)).toBe(true);
      expect(current.text.startsWith(shared)).toBe(true);
      expect(current.text).toBe(decodeTokens(tokens, current.startToken, current.endToken));
    }
  });

  it('reassembles the whole text from the non-overlapping parts of the windows', () => {
    const text = longText(1500);
    const chunks = chunkText(text, { maxChunkSizeTokens: 120, chunkOverlapTokens: 0 });
    expect(chunks.map((chunk) => chunk.text).join('')).toBe(text);
    const overlapping = chunkText(text, { maxChunkSizeTokens: 120, chunkOverlapTokens: 60 });
    // Every chunk's text appears in the original text at or after the previous one.
    let from = 0;
    for (const chunk of overlapping) {
      const at = text.indexOf(chunk.text, from);
      expect(at).toBeGreaterThanOrEqual(0);
      from = at;
    }
    expect(overlapping.at(-1)!.text.endsWith(text.slice(-20))).toBe(true);
  });

  it('is deterministic', () => {
    const text = longText(1200);
    expect(chunkText(text, AUTO_CHUNKING)).toEqual(chunkText(text, AUTO_CHUNKING));
    expect(chunkText(text, { maxChunkSizeTokens: 64, chunkOverlapTokens: 8 })).toEqual(
      chunkText(text, { maxChunkSizeTokens: 64, chunkOverlapTokens: 8 }),
    );
  });

  it('validates options, naming the field', () => {
    const bad: [number, number, string][] = [
      [0, 0, 'maxChunkSizeTokens'],
      [-5, 0, 'maxChunkSizeTokens'],
      [1.5, 0, 'maxChunkSizeTokens'],
      [Number.NaN, 0, 'maxChunkSizeTokens'],
      [100, 100, 'chunkOverlapTokens'],
      [100, 150, 'chunkOverlapTokens'],
      [100, -1, 'chunkOverlapTokens'],
      [100, 0.5, 'chunkOverlapTokens'],
    ];
    for (const [maxChunkSizeTokens, chunkOverlapTokens, field] of bad) {
      expect(() => chunkText('text', { maxChunkSizeTokens, chunkOverlapTokens })).toThrow(RangeError);
      expect(() => chunkText('text', { maxChunkSizeTokens, chunkOverlapTokens })).toThrow(field);
    }
    // Validation does not depend on the text.
    expect(() => chunkText('', { maxChunkSizeTokens: 0, chunkOverlapTokens: 0 })).toThrow(RangeError);
  });

  it('chunks about 2 MB of text', () => {
    const paragraph = `${sentences.join(' ')}\n\n`;
    const text = paragraph.repeat(Math.ceil(2_000_000 / paragraph.length));
    const chunks = chunkText(text, AUTO_CHUNKING);
    const total = countTokens(text);
    expect(chunks.length).toBe(Math.ceil((total - 800) / 400) + 1);
    expect(chunks.at(-1)!.endToken).toBe(total);
  });
});
