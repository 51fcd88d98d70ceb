import { decodeTokens, encodeTokens } from './tokenizer.js';

/** Token window settings, as in OpenAI's `chunking_strategy.static`. */
export interface ChunkingOptions {
  /** Largest number of tokens in one chunk (at least 1). */
  maxChunkSizeTokens: number;
  /** Tokens each chunk shares with the one before it (0 to maxChunkSizeTokens - 1). */
  chunkOverlapTokens: number;
}

/** OpenAI's `auto` chunking strategy. */
export const AUTO_CHUNKING: ChunkingOptions = Object.freeze({ maxChunkSizeTokens: 800, chunkOverlapTokens: 400 });

/** One window of a chunked text. Token offsets index the tokens of the whole text; `endToken` is exclusive. */
export interface TextChunk {
  text: string;
  index: number;
  tokenCount: number;
  startToken: number;
  endToken: number;
}

/**
 * Splits `text` into windows of at most `maxChunkSizeTokens` cl100k_base tokens; each window
 * starts `maxChunkSizeTokens - chunkOverlapTokens` tokens after the previous one, and the last
 * window ends at the last token. Window texts are the decoded tokens, so a window edge that cuts a
 * multi-byte character shows U+FFFD there. Empty text yields no chunks. Throws `RangeError`
 * naming the field for invalid options.
 */
export function chunkText(text: string, options: ChunkingOptions): TextChunk[] {
  validateChunkingOptions(options);
  const tokens = encodeTokens(text);
  const { maxChunkSizeTokens: size, chunkOverlapTokens: overlap } = options;
  const stride = size - overlap;
  const chunks: TextChunk[] = [];
  for (let start = 0; start < tokens.length; start += stride) {
    const end = Math.min(start + size, tokens.length);
    chunks.push({ text: decodeTokens(tokens, start, end), index: chunks.length, tokenCount: end - start, startToken: start, endToken: end });
    if (end === tokens.length) break;
  }
  return chunks;
}

/** Throws `RangeError` naming the field unless `maxChunkSizeTokens >= 1` and `0 <= chunkOverlapTokens < maxChunkSizeTokens` (integers). */
export function validateChunkingOptions(options: ChunkingOptions): void {
  const { maxChunkSizeTokens, chunkOverlapTokens } = options;
  if (!Number.isSafeInteger(maxChunkSizeTokens) || maxChunkSizeTokens < 1) {
    throw new RangeError(`maxChunkSizeTokens must be an integer of at least 1, got ${String(maxChunkSizeTokens)}.`);
  }
  if (!Number.isSafeInteger(chunkOverlapTokens) || chunkOverlapTokens < 0 || chunkOverlapTokens >= maxChunkSizeTokens) {
    throw new RangeError(
      `chunkOverlapTokens must be an integer from 0 to maxChunkSizeTokens - 1 (${maxChunkSizeTokens - 1}), got ${String(chunkOverlapTokens)}.`,
    );
  }
}
