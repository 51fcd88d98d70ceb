import { Readable } from 'node:stream';
import { InvalidRequestError, RequestTooLargeError, type MultipartBody, type UploadedFile } from '@stack/core';
import busboy from 'busboy';
import type { Request } from 'express';
import type { z } from 'zod';
import { parseRequestPart } from './validation.js';

export interface MultipartOptions {
  fileField: string;
  /** Validates the non-file fields (nested `a[b]` names become objects). */
  fieldsSchema: z.ZodType<any, any> | undefined;
  maxFileBytes: number;
}

/**
 * Reads a multipart form as it arrives: the file part is handed over as a stream the moment it
 * starts (nothing is buffered or spooled), the other fields settle once the form has ended.
 */
export function readMultipart(request: Request, options: MultipartOptions): Promise<MultipartBody<unknown>> {
  const contentType = request.headers['content-type'] ?? '';
  if (!/^multipart\/form-data/i.test(contentType)) {
    return Promise.reject(
      new InvalidRequestError(`This route takes a multipart/form-data upload with a '${options.fileField}' file part; got '${contentType || 'no content type'}'.`, {
        code: 'invalid_content_type',
      }),
    );
  }
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: request.headers, limits: { fileSize: options.maxFileBytes, files: 1, fields: 100, fieldSize: 1024 * 1024 } });
    } catch (error) {
      reject(new InvalidRequestError(`The multipart body cannot be read: ${(error as Error).message}`, { code: 'invalid_multipart' }));
      return;
    }
    const raw: Record<string, unknown> = {};
    let fileSeen = false;
    let settleFields: { resolve(value: unknown): void; reject(error: unknown): void } | undefined;
    const fields = new Promise<unknown>((resolveFields, rejectFields) => {
      settleFields = { resolve: resolveFields, reject: rejectFields };
    });
    // The handler may fail before it looks at the fields; that must not become an unhandled rejection.
    fields.catch(() => undefined);

    parser.on('field', (name, value) => setNested(raw, name, value));
    parser.on('file', (name, stream, info) => {
      if (name !== options.fileField || fileSeen) {
        stream.resume();
        return;
      }
      fileSeen = true;
      stream.on('limit', () => {
        stream.destroy(new RequestTooLargeError(`The file is larger than the ${options.maxFileBytes}-byte upload limit.`, { code: 'file_too_large', param: options.fileField }));
      });
      const file: UploadedFile = { filename: info.filename || 'upload', contentType: info.mimeType || undefined, stream: stream as Readable };
      resolve({ file, fields: fields as Promise<never> });
    });
    parser.on('close', () => {
      if (!fileSeen) {
        reject(new InvalidRequestError(`Invalid '${options.fileField}': a file part is required.`, { code: 'invalid_value', param: options.fileField }));
        return;
      }
      try {
        settleFields?.resolve(options.fieldsSchema ? parseRequestPart(options.fieldsSchema, raw, 'body') : raw);
      } catch (error) {
        settleFields?.reject(error);
      }
    });
    parser.on('error', (error: Error) => {
      const failure = new InvalidRequestError(`The multipart body cannot be read: ${error.message}`, { code: 'invalid_multipart' });
      if (!fileSeen) reject(failure);
      settleFields?.reject(failure);
    });
    request.pipe(parser);
  });
}

/** `expires_after[seconds]` → `{expires_after: {seconds}}`, as clients encode nested form fields. */
function setNested(target: Record<string, unknown>, name: string, value: string): void {
  const path = name.split(/\[|\]\[|\]/).filter((segment) => segment !== '');
  let node = target;
  for (const segment of path.slice(0, -1)) {
    const next = node[segment];
    if (typeof next !== 'object' || next === null) node[segment] = {};
    node = node[segment] as Record<string, unknown>;
  }
  const last = path.at(-1);
  if (last !== undefined) node[last] = value;
}
