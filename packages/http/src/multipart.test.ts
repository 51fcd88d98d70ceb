import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { RequestTooLargeError, StackError, readAllBytes, toErrorEnvelope, type MultipartBody } from '@stack/core';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { httpStatusOf } from './error-status.js';
import { readMultipart } from './multipart.js';

const fieldsSchema = z.object({ purpose: z.enum(['assistants', 'batch']), expires_after: z.object({ anchor: z.literal('created_at'), seconds: z.coerce.number().int() }).optional() });

describe('readMultipart over a real socket', () => {
  let baseUrl: string;
  let server: ReturnType<ReturnType<typeof express>['listen']>;
  const received: Array<{ filename: string; contentType?: string; bytes: number; fields?: unknown; error?: string }> = [];

  beforeAll(async () => {
    const app = express();
    app.post('/upload', async (request, response) => {
      try {
        const body = (await readMultipart(request, { fileField: 'file', fieldsSchema, maxFileBytes: 64 * 1024 })) as MultipartBody<unknown>;
        // Read the file first, as a provider streaming to storage does; the fields may come after it.
        const bytes = await readAllBytes(body.file.stream);
        const fields = await body.fields;
        received.push({ filename: body.file.filename, contentType: body.file.contentType, bytes: bytes.byteLength, fields });
        response.json({ bytes: bytes.byteLength, fields, first: bytes[0], last: bytes.at(-1) });
      } catch (error) {
        response.status(StackError.isInstance(error) ? httpStatusOf(error) : 500).json(toErrorEnvelope(error));
      }
    });
    server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.close();
    await once(server, 'close');
  });

  function form(parts: Array<[string, string | Blob, string?]>): FormData {
    const data = new FormData();
    for (const [name, value, filename] of parts) {
      if (typeof value === 'string') data.append(name, value);
      else data.append(name, value, filename);
    }
    return data;
  }

  it('hands over the file as a stream and reads fields that follow it, nested names included', async () => {
    const bytes = new Uint8Array(50_000).map((_, index) => index % 251);
    const response = await fetch(`${baseUrl}/upload`, {
      method: 'POST',
      body: form([
        ['file', new Blob([bytes], { type: 'application/pdf' }), 'report.pdf'],
        ['purpose', 'assistants'],
        ['expires_after[anchor]', 'created_at'],
        ['expires_after[seconds]', '7200'],
      ]),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ bytes: 50_000, fields: { purpose: 'assistants', expires_after: { anchor: 'created_at', seconds: 7200 } }, first: 0, last: 49_999 % 251 });
    expect(received.at(-1)).toMatchObject({ filename: 'report.pdf', contentType: 'application/pdf' });
  });

  it('rejects a bad field with a 400 naming it', async () => {
    const response = await fetch(`${baseUrl}/upload`, { method: 'POST', body: form([['purpose', 'wrong'], ['file', new Blob(['hello']), 'a.txt']]) });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { message: string; param: string } };
    expect(body.error.param).toBe('purpose');
    expect(body.error.message).toContain("'purpose'");
  });

  it('requires the file part', async () => {
    const response = await fetch(`${baseUrl}/upload`, { method: 'POST', body: form([['purpose', 'batch']]) });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { param: string } }).error.param).toBe('file');
  });

  it('fails an oversized file with a 413 while it streams', async () => {
    const response = await fetch(`${baseUrl}/upload`, { method: 'POST', body: form([['purpose', 'batch'], ['file', new Blob([new Uint8Array(200_000)]), 'big.bin']]) });
    expect(response.status).toBe(413);
    const body = (await response.json()) as { error: { code: string } };
    expect(body.error.code).toBe('file_too_large');
    expect(RequestTooLargeError.errorKind).toBe('request_too_large');
  });

  it('refuses a request that is not multipart', async () => {
    const response = await fetch(`${baseUrl}/upload`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('invalid_content_type');
  });
});
