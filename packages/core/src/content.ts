/**
 * Bytes that cross an API boundary as a stream: a file being uploaded, or a file's content being
 * answered. Transports turn multipart uploads into `UploadedFile`s and send `BinaryContent`
 * results as raw bodies rather than JSON.
 */

/** A file arriving in a request; its bytes are read once, as they arrive. */
export interface UploadedFile {
  filename: string;
  /** The type the client declared, e.g. `application/pdf` (may be generic). */
  contentType?: string | undefined;
  /** The bytes, read once. An oversized upload fails the stream with a `RequestTooLargeError`. */
  stream: AsyncIterable<Uint8Array>;
}

/** An uploaded file from in-process code: wraps bytes or text as an `UploadedFile`. */
export function uploadedFileFrom(data: Uint8Array | string, filename: string, contentType?: string): UploadedFile {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  return {
    filename,
    contentType,
    stream: (async function* () {
      yield bytes;
    })(),
  };
}

/**
 * A multipart request body: the file part and the other form fields. Clients may send the fields
 * after the file, so `fields` settles only once the whole form has been read (validated against
 * the route's `body` schema; a bad field rejects it with an error naming the field).
 */
export interface MultipartBody<Fields> {
  file: UploadedFile;
  fields: Promise<Fields>;
}

const binaryMarker = Symbol.for('stack.binary-content');

/** A result answered as raw bytes (e.g. `GET /v1/files/{id}/content`), not JSON. */
export interface BinaryContent {
  readonly [binaryMarker]: true;
  stream: AsyncIterable<Uint8Array>;
  contentType: string;
  /** Known length, sent as `Content-Length`. */
  bytes?: number | undefined;
  /** Suggested file name for `Content-Disposition`. */
  filename?: string | undefined;
}

export function binaryContent(content: Omit<BinaryContent, typeof binaryMarker>): BinaryContent {
  return { ...content, [binaryMarker]: true };
}

export function isBinaryContent(value: unknown): value is BinaryContent {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[binaryMarker] === true;
}

/** Reads a stream of byte chunks to one buffer (for small content and tests). */
export async function readAllBytes(stream: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let length = 0;
  for await (const chunk of stream) {
    chunks.push(chunk);
    length += chunk.byteLength;
  }
  const result = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    result.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return result;
}
