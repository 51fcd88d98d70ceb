import type { UploadedFile } from '@stack/core';
import type { FileUploadFields } from '../schemas.js';

/*
 * Uploads as the HTTP layer produces them, for the conformance suite and providers' own tests.
 */

/** Deterministic bytes covering every value 0–255, different for each seed. */
export function patternBytes(length: number, seed = 1): Uint8Array {
  const bytes = new Uint8Array(length);
  let state = (seed * 2_654_435_761) >>> 0 || 1;
  for (let index = 0; index < length; index += 1) {
    // xorshift32: cheap and fills every byte value.
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    bytes[index] = state & 0xff;
  }
  return bytes;
}

/** Cuts `data` into chunks of the given sizes, cycling through them (uneven chunks by default). */
export function* chunksOf(data: Uint8Array, sizes: readonly number[] = [65_536, 1, 100_003, 7, 32_768]): Generator<Uint8Array> {
  let offset = 0;
  let turn = 0;
  while (offset < data.byteLength) {
    const size = Math.max(1, sizes[turn % sizes.length] ?? 65_536);
    // A copy, so a provider that keeps a chunk cannot see it change.
    yield data.slice(offset, offset + size);
    offset += size;
    turn += 1;
  }
}

/** An upload of `data` in uneven chunks, each handed over on a later turn of the event loop. */
export function uploadOf(data: Uint8Array | string, filename: string, contentType?: string): UploadedFile {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  return {
    filename,
    contentType,
    stream: (async function* () {
      for (const chunk of chunksOf(bytes)) {
        await new Promise((resolve) => setImmediate(resolve));
        yield chunk;
      }
    })(),
  };
}

/**
 * An upload whose fields settle only once its stream has been read to the end, as when a client
 * sends the form fields after the file. Reading the fields first never finishes.
 */
export function uploadWithLateFields(
  data: Uint8Array,
  filename: string,
  settle: { fields: FileUploadFields } | { error: unknown },
): { file: UploadedFile; fields: Promise<FileUploadFields> } {
  let resolveFields!: (fields: FileUploadFields) => void;
  let rejectFields!: (error: unknown) => void;
  const fields = new Promise<FileUploadFields>((resolve, reject) => {
    resolveFields = resolve;
    rejectFields = reject;
  });
  const inner = uploadOf(data, filename);
  const file: UploadedFile = {
    filename,
    stream: (async function* () {
      yield* inner.stream;
      if ('fields' in settle) resolveFields(settle.fields);
      else rejectFields(settle.error);
    })(),
  };
  return { file, fields };
}

/** An upload that hands over `sentBytes` and then fails with `error`, as an oversized upload does. */
export function failingUpload(sentBytes: number, error: unknown, filename = 'broken.bin'): UploadedFile {
  return {
    filename,
    stream: (async function* () {
      yield* uploadOf(patternBytes(sentBytes, 99), filename).stream;
      throw error;
    })(),
  };
}

/** An upload that hands over `sentBytes` and then stalls forever, as a client that stops sending. */
export function stalledUpload(sentBytes: number, filename = 'stalled.bin'): UploadedFile {
  return {
    filename,
    stream: (async function* () {
      yield* uploadOf(patternBytes(sentBytes, 98), filename).stream;
      await new Promise<never>(() => {});
    })(),
  };
}

/** A promise that never settles: fields of a form whose end never arrives. */
export function neverSettles<T>(): Promise<T> {
  return new Promise<T>(() => {});
}
