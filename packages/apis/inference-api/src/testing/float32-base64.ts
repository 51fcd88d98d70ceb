const base64Pattern = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Decodes OpenAI's `encoding_format: 'base64'` embedding: little-endian float32 values. Returns
 * undefined for text that is not canonical base64 of whole floats, which `Buffer.from` would
 * otherwise decode leniently by skipping what it does not understand.
 */
export function decodeFloat32Base64(encoded: string): number[] | undefined {
  if (!base64Pattern.test(encoded)) return undefined;
  const bytes = Buffer.from(encoded, 'base64');
  if (bytes.byteLength % 4 !== 0) return undefined;
  // A DataView reads little-endian whatever the host's byte order.
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Array.from({ length: bytes.byteLength / 4 }, (_, index) => view.getFloat32(index * 4, true));
}
