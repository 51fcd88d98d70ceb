import cl100kBase from 'js-tiktoken/ranks/cl100k_base';
import { BytePairEncoder } from './bpe.js';

/** The tokenizer chunk sizes are measured in; record it next to chunks so they can be re-derived. */
export const TOKENIZER_NAME = 'tiktoken:cl100k_base';

let encoder: BytePairEncoder | undefined;

/** The cl100k_base encoder, built on first use (parsing the ranks takes a moment) and then reused. */
export function tokenizer(): BytePairEncoder {
  encoder ??= new BytePairEncoder(cl100kBase);
  return encoder;
}

/** The cl100k_base token ids of `text`. */
export function encodeTokens(text: string): number[] {
  return text.length === 0 ? [] : tokenizer().encode(text);
}

/** The text of `tokens[start..end)`. */
export function decodeTokens(tokens: readonly number[], start = 0, end = tokens.length): string {
  return tokenizer().decode(tokens, start, end);
}

/** Number of cl100k_base tokens in `text` (special-token strings count as ordinary text). */
export function countTokens(text: string): number {
  return encodeTokens(text).length;
}
