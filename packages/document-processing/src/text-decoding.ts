/** Helpers that turn raw bytes into text and decide whether bytes are text at all. */

const utf8 = new TextDecoder('utf-8', { fatal: true });
/**
 * Windows-1252 differs from Latin-1 only in 0x80–0x9F. Spelled out because some Node releases
 * decode the `windows-1252` label as plain Latin-1. Undefined positions keep their C1 code point.
 */
const windows1252High =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

function decodeWindows1252(data: Uint8Array): string {
  const latin1 = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('latin1');
  return latin1.replace(/[\u0080-\u009f]/g, (char) => windows1252High[char.charCodeAt(0) - 0x80]!);
}

/**
 * Decodes `data` as text. Byte-order marks select UTF-8 or UTF-16 (and are dropped); otherwise
 * the bytes must be valid UTF-8, or, when `lenient` (the upload declared a text format), they
 * are read as Windows-1252 so legacy single-byte files still work. Bytes with NUL characters
 * outside UTF-16 are binary. Returns `undefined` for binary data. Line endings become `\n`.
 */
export function decodeText(data: Uint8Array, lenient: boolean): string | undefined {
  const text = decodeRaw(data, lenient);
  return text === undefined ? undefined : normaliseNewlines(text);
}

function decodeRaw(data: Uint8Array, lenient: boolean): string | undefined {
  if (data.length >= 2 && data[0] === 0xff && data[1] === 0xfe) return new TextDecoder('utf-16le').decode(data);
  if (data.length >= 2 && data[0] === 0xfe && data[1] === 0xff) return new TextDecoder('utf-16be').decode(data);
  if (data.includes(0)) return undefined;
  try {
    // TextDecoder drops a leading UTF-8 byte-order mark on its own.
    return utf8.decode(data);
  } catch {
    return lenient ? decodeWindows1252(data) : undefined;
  }
}

/** CRLF and lone CR become LF. */
export function normaliseNewlines(text: string): string {
  return text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
}

/** Whether `data` starts with the ASCII string `prefix`. */
export function startsWithAscii(data: Uint8Array, prefix: string): boolean {
  if (data.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) {
    if (data[i] !== prefix.charCodeAt(i)) return false;
  }
  return true;
}

/** Whether `data` contains the ASCII string `needle` anywhere. */
export function containsAscii(data: Uint8Array, needle: string): boolean {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).includes(needle, 0, 'latin1');
}
