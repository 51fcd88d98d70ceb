/**
 * Deterministic stand-ins for a model: reply text derived from the prompt, tool-call arguments
 * derived from the tool's JSON schema, and embeddings derived from the input text. Everything is
 * a pure function of the request so tests can assert exact outputs.
 */

/** The text of the last user message; content may be a string or an array of content parts. */
export function lastUserText(messages: unknown): string {
  if (!Array.isArray(messages)) return '';
  for (let index = messages.length - 1; index >= 0; index--) {
    const message = messages[index] as { role?: unknown; content?: unknown } | null;
    if (message?.role === 'user') return contentText(message.content);
  }
  return '';
}

export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part: { type?: unknown; text?: unknown } | null) => (part?.type === 'text' && typeof part.text === 'string' ? part.text : ''))
    .join('');
}

/** The reply a fake model gives to a prompt. */
export function replyFor(prompt: string): string {
  return `Echo: ${prompt.trim() || '(empty)'}`;
}

/**
 * Splits a reply into `count` streamed pieces (word boundaries kept with the word that precedes
 * them). A reply with fewer words than `count` is padded with filler words, so a caller asking
 * for 100 chunks gets 100 non-empty deltas; joined, the pieces are the full reply.
 */
export function splitIntoPieces(reply: string, count?: number): string[] {
  const words = reply.match(/\S+\s*/g) ?? [reply];
  if (count === undefined || count <= 0) return words;
  while (words.length < count) {
    words[words.length - 1] = words[words.length - 1].endsWith(' ') ? words[words.length - 1] : `${words[words.length - 1]} `;
    words.push(`word${words.length}`);
  }
  if (words.length === count) return words;
  const pieces: string[] = [];
  const perPiece = words.length / count;
  for (let index = 0; index < count; index++) {
    pieces.push(words.slice(Math.round(index * perPiece), Math.round((index + 1) * perPiece)).join(''));
  }
  return pieces;
}

/** A rough token count (whitespace-separated words), stable across calls. */
export function countTokens(text: string): number {
  const matches = text.match(/\S+/g);
  return matches ? matches.length : 0;
}

export function promptTokensOfMessages(messages: unknown): number {
  if (!Array.isArray(messages)) return 0;
  let total = 0;
  for (const message of messages as Array<{ content?: unknown } | null>) total += countTokens(contentText(message?.content)) + 1;
  return total;
}

/**
 * Arguments for a tool call that satisfy the tool's JSON schema: strings get the prompt,
 * numbers 1, booleans true, enums their first value, arrays and objects stay empty.
 */
export function argumentsForSchema(parameters: unknown, prompt: string): Record<string, unknown> {
  const properties = (parameters as { properties?: Record<string, { type?: unknown; enum?: unknown[] }> } | null)?.properties ?? {};
  const result: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(properties)) {
    if (Array.isArray(schema?.enum) && schema.enum.length > 0) result[name] = schema.enum[0];
    else if (schema?.type === 'string') result[name] = prompt;
    else if (schema?.type === 'number' || schema?.type === 'integer') result[name] = 1;
    else if (schema?.type === 'boolean') result[name] = true;
    else if (schema?.type === 'array') result[name] = [];
    else result[name] = {};
  }
  return result;
}

/** FNV-1a, 32 bits: a cheap stable seed from a string. */
function hashText(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * A unit-length vector of `dimension` values seeded by the text (mulberry32), so equal texts map
 * to equal vectors and different texts to different ones.
 */
export function embeddingFor(text: string, dimension: number): number[] {
  let state = hashText(text);
  const vector = new Array<number>(dimension);
  let norm = 0;
  for (let index = 0; index < dimension; index++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed);
    const value = ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296 - 0.5;
    vector[index] = value;
    norm += value * value;
  }
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  // Rounded through float32 so the float and base64 encodings of one input agree exactly.
  return Array.from(Float32Array.from(vector, (value) => value * scale));
}

/** OpenAI's base64 embedding encoding: little-endian float32 values. */
export function encodeEmbeddingBase64(vector: number[]): string {
  const floats = Float32Array.from(vector);
  return Buffer.from(floats.buffer, floats.byteOffset, floats.byteLength).toString('base64');
}

export function decodeEmbeddingBase64(encoded: string): number[] {
  const bytes = Buffer.from(encoded, 'base64');
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return Array.from(new Float32Array(copy.buffer));
}
