import {
  createRequestContext,
  InvalidRequestError,
  NotFoundError,
  readAllBytes,
  RequestTooLargeError,
  StackError,
  type UploadedFile,
} from '@stack/core';
import { expect } from 'vitest';
import type { FileUploadRequest, FilesProvider } from '../files-api.js';
import {
  fileDeleteResponseSchema,
  fileObjectSchema,
  filePurposeSchema,
  listFilesResponseSchema,
  type FileObject,
  type FilePurpose,
  type FileUploadFields,
  type ListFilesRequest,
} from '../schemas.js';
import type { TestClock } from './test-clock.js';
import {
  failingUpload,
  neverSettles,
  patternBytes,
  stalledUpload,
  uploadOf,
  uploadWithLateFields,
} from './upload-streams.js';

/** A files provider as its factory returns it: the API plus an optional `close()`. */
export type ConformanceFilesProvider = FilesProvider & { close?(): Promise<void> | void };

/** What each check runs against. */
export interface FilesCheckEnvironment {
  /** The provider under test (replaced by `reopen`). */
  readonly provider: ConformanceFilesProvider;
  /** The clock the provider was created with. */
  readonly clock: TestClock;
  /** Closes the provider and creates a new one over the same storage and clock. */
  reopen(): Promise<ConformanceFilesProvider>;
  /** Names of everything the provider keeps besides metadata (files, temporary files, objects). */
  storedObjects?: (() => Promise<string[]>) | undefined;
}

/** One named conformance check. */
export interface FilesCheck {
  name: string;
  run(env: FilesCheckEnvironment): Promise<void>;
}

/** How long an upload that should stop (bad fields, abort) may take to give up. */
const giveUpMs = 5_000;

async function within<T>(promise: Promise<T>, what: string, ms = giveUpMs): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms.`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The error a promise rejects with; fails the check when it resolves. */
async function rejectionOf(promise: Promise<unknown>, what: string): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error(`${what} should have failed, but succeeded.`);
}

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

async function expectNotFound(promise: Promise<unknown>, what: string): Promise<void> {
  const error = await rejectionOf(promise, what);
  expect(NotFoundError.isInstance(error), `${what} should throw NotFoundError, got ${describeError(error)}`).toBe(true);
}

function expectFileObject(file: FileObject): void {
  const parsed = fileObjectSchema.safeParse(file);
  expect(parsed.success, `not a valid file object: ${JSON.stringify(file)}`).toBe(true);
}

function expectSameBytes(actual: Uint8Array, expected: Uint8Array, what: string): void {
  expect(actual.byteLength, `${what}: length`).toBe(expected.byteLength);
  expect(Buffer.from(actual.buffer, actual.byteOffset, actual.byteLength).equals(Buffer.from(expected)), `${what}: bytes differ`).toBe(true);
}

/** A promise that rejects with `error`, already marked handled (as the HTTP layer does). */
function rejectedFields(error: unknown): Promise<FileUploadFields> {
  const fields = Promise.reject(error);
  fields.catch(() => undefined);
  return fields;
}

function upload(env: FilesCheckEnvironment, file: UploadedFile, fields: FileUploadRequest['fields']): Promise<FileObject> {
  return env.provider.uploadFile({ file, fields });
}

function uploadText(env: FilesCheckEnvironment, name: string, purpose: FilePurpose = 'assistants'): Promise<FileObject> {
  return upload(env, uploadOf(`contents of ${name}`, name), { purpose });
}

async function listedIds(env: FilesCheckEnvironment, request: ListFilesRequest = {}): Promise<string[]> {
  const page = await env.provider.listFiles(request);
  return page.data.map((file) => file.id);
}

/** Ids newest first, ties by id descending: the default order of a listing. */
function newestFirst(files: readonly FileObject[]): string[] {
  return [...files]
    .sort((a, b) => b.created_at - a.created_at || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
    .map((file) => file.id);
}

interface StoredSnapshot {
  listed: string[];
  objects: string[] | undefined;
}

async function snapshot(env: FilesCheckEnvironment): Promise<StoredSnapshot> {
  const listed = (await listedIds(env, { limit: 10_000 })).sort();
  const objects = env.storedObjects ? (await env.storedObjects()).sort() : undefined;
  return { listed, objects };
}

async function expectNothingStored(env: FilesCheckEnvironment, before: StoredSnapshot, what: string): Promise<void> {
  const after = await snapshot(env);
  expect(after.listed, `${what}: the listing changed`).toEqual(before.listed);
  expect(after.objects, `${what}: stored objects were left behind`).toEqual(before.objects);
}

async function readContent(env: FilesCheckEnvironment, file: FileObject): Promise<Uint8Array> {
  const content = await env.provider.retrieveFileContent(file.id);
  const bytes = await readAllBytes(content.stream);
  if (content.bytes !== undefined) expect(content.bytes, `content length of ${file.filename}`).toBe(file.bytes);
  expect(content.filename, 'content filename').toBe(file.filename);
  expect(typeof content.contentType === 'string' && content.contentType.length > 0, 'content type').toBe(true);
  return bytes;
}

/** Deletes every listed file, so each check starts from an empty listing. */
export async function removeAllFiles(provider: FilesProvider): Promise<void> {
  for (;;) {
    const page = await provider.listFiles({ limit: 10_000 });
    for (const file of page.data) await provider.deleteFile(file.id);
    if (!page.has_more) return;
  }
}

const checkUploadAndRetrieve: FilesCheck = {
  name: 'uploads a file given its fields as values and answers its metadata',
  async run(env) {
    const data = patternBytes(1000, 3);
    const file = await upload(env, uploadOf(data, 'report.bin', 'application/octet-stream'), { purpose: 'assistants' });
    expectFileObject(file);
    expect(file).toMatchObject({ object: 'file', bytes: 1000, filename: 'report.bin', purpose: 'assistants', created_at: env.clock.seconds() });
    expect(file.id).toMatch(/^file-/);
    if (file.expires_at !== null) expect(file.expires_at, 'expires_at without expires_after').toBeGreaterThan(file.created_at);
    expect(await env.provider.retrieveFile(file.id)).toEqual(file);
  },
};

const checkLateFields: FilesCheck = {
  name: 'reads the stream before waiting for fields that follow it',
  async run(env) {
    const data = patternBytes(200_000, 4);
    const { file, fields } = uploadWithLateFields(data, 'late.jsonl', {
      fields: { purpose: 'batch', expires_after: { anchor: 'created_at', seconds: 7200 } },
    });
    const uploaded = await within(upload(env, file, fields), 'An upload whose fields follow the file');
    expectFileObject(uploaded);
    expect(uploaded).toMatchObject({ bytes: 200_000, filename: 'late.jsonl', purpose: 'batch' });
    expect(uploaded.expires_at).toBe(uploaded.created_at + 7200);
    expectSameBytes(await readContent(env, uploaded), data, 'late.jsonl');
  },
};

const checkContentRoundTrip: FilesCheck = {
  name: 'returns content byte for byte: every byte value, a 3 MB stream in uneven chunks, an empty file',
  async run(env) {
    const everyByte = Uint8Array.from({ length: 768 }, (_, index) => index % 256);
    const large = patternBytes(3 * 1024 * 1024 + 17, 5);
    const empty = new Uint8Array(0);
    for (const [name, data] of [['bytes.bin', everyByte], ['large.bin', large], ['empty.bin', empty]] as const) {
      const file = await upload(env, uploadOf(data, name), { purpose: 'user_data' });
      expect(file.bytes, `${name}: bytes`).toBe(data.byteLength);
      expectSameBytes(await readContent(env, file), data, name);
      // Content can be read more than once.
      expectSameBytes(await readContent(env, file), data, `${name} (second read)`);
    }
  },
};

const checkContentType: FilesCheck = {
  name: 'answers a content type from the upload, else from the file name',
  async run(env) {
    const cases: Array<[filename: string, declared: string | undefined, expected: RegExp]> = [
      ['data.json', 'application/json', /^application\/json\b/],
      ['notes.txt', undefined, /^text\/plain\b/],
      ['page.html', 'application/octet-stream', /^text\/html\b/],
      ['blob.unknownext', undefined, /^application\/octet-stream$/],
    ];
    for (const [filename, declared, expected] of cases) {
      const file = await upload(env, uploadOf('{}', filename, declared), { purpose: 'assistants' });
      const content = await env.provider.retrieveFileContent(file.id);
      await readAllBytes(content.stream);
      expect(content.contentType, `content type of ${filename} (declared ${declared ?? 'nothing'})`).toMatch(expected);
    }
  },
};

const checkFilenameAndPurposes: FilesCheck = {
  name: 'keeps the filename as given and accepts every purpose',
  async run(env) {
    for (const purpose of filePurposeSchema.options) {
      const filename = `résumé final (${purpose}) — v2.txt`;
      const file = await upload(env, uploadOf('x', filename), { purpose });
      expect(file.filename).toBe(filename);
      expect(file.purpose).toBe(purpose);
      expect(await env.provider.retrieveFile(file.id)).toMatchObject({ filename, purpose });
      expect(await listedIds(env, { purpose }), `listing purpose ${purpose}`).toEqual([file.id]);
    }
  },
};

const checkDefaultOrder: FilesCheck = {
  name: 'lists newest first by default, ties broken by id, and oldest first with order=asc',
  async run(env) {
    const files: FileObject[] = [];
    for (const name of ['a.txt', 'b.txt', 'c.txt']) files.push(await uploadText(env, name));
    env.clock.advance(1);
    for (const name of ['d.txt', 'e.txt']) files.push(await uploadText(env, name));
    const expected = newestFirst(files);
    const page = await env.provider.listFiles();
    expect(listFilesResponseSchema.safeParse(page).success, `not a valid list: ${JSON.stringify(page)}`).toBe(true);
    expect(page.data.map((file) => file.id)).toEqual(expected);
    expect(page).toMatchObject({ object: 'list', first_id: expected[0], last_id: expected.at(-1), has_more: false });
    expect(await listedIds(env, { order: 'desc' })).toEqual(expected);
    expect(await listedIds(env, { order: 'asc' })).toEqual([...expected].reverse());
    for (const listed of page.data) expect(listed).toEqual(files.find((file) => file.id === listed.id));
  },
};

const checkPaging: FilesCheck = {
  name: 'pages with limit and after in both orders, with first_id, last_id and has_more',
  async run(env) {
    const files: FileObject[] = [];
    for (const [index, step] of [0, 0, 1, 1, 0].entries()) {
      env.clock.advance(step);
      files.push(await uploadText(env, `page-${index}.txt`));
    }
    for (const order of ['desc', 'asc'] as const) {
      const expected = order === 'desc' ? newestFirst(files) : newestFirst(files).reverse();
      const seen: string[] = [];
      let after: string | undefined;
      for (let pageNumber = 0; pageNumber < 3; pageNumber += 1) {
        const page = await env.provider.listFiles({ limit: 2, order, ...(after === undefined ? {} : { after }) });
        const ids = page.data.map((file) => file.id);
        const wanted = expected.slice(seen.length, seen.length + 2);
        expect(ids, `${order} page ${pageNumber + 1}`).toEqual(wanted);
        expect(page.first_id, `${order} page ${pageNumber + 1} first_id`).toBe(wanted[0]);
        expect(page.last_id, `${order} page ${pageNumber + 1} last_id`).toBe(wanted.at(-1));
        seen.push(...ids);
        expect(page.has_more, `${order} page ${pageNumber + 1} has_more`).toBe(seen.length < expected.length);
        after = page.last_id ?? undefined;
      }
      expect(seen).toEqual(expected);
    }
    expect((await env.provider.listFiles({ limit: 5 })).has_more).toBe(false);
    expect((await env.provider.listFiles({ limit: 4 })).has_more).toBe(true);
  },
};

const checkPurposeFilter: FilesCheck = {
  name: 'filters by purpose, also while paging, and answers an empty list with null ids',
  async run(env) {
    const batch: FileObject[] = [];
    for (const purpose of ['batch', 'assistants', 'batch', 'assistants', 'batch'] as const) {
      env.clock.advance(1);
      const file = await uploadText(env, `${purpose}.txt`, purpose);
      if (purpose === 'batch') batch.push(file);
    }
    const expected = newestFirst(batch);
    expect(await listedIds(env, { purpose: 'batch' })).toEqual(expected);
    const first = await env.provider.listFiles({ purpose: 'batch', limit: 2 });
    expect(first.data.map((file) => file.id)).toEqual(expected.slice(0, 2));
    expect(first.has_more).toBe(true);
    const second = await env.provider.listFiles({ purpose: 'batch', limit: 2, after: first.last_id ?? undefined });
    expect(second.data.map((file) => file.id)).toEqual(expected.slice(2));
    expect(second.has_more).toBe(false);
    expect(await env.provider.listFiles({ purpose: 'vision' })).toEqual({ object: 'list', data: [], first_id: null, last_id: null, has_more: false });
  },
};

const checkUnknownCursor: FilesCheck = {
  name: 'rejects an after cursor that names no file with InvalidRequestError',
  async run(env) {
    await uploadText(env, 'one.txt');
    const error = await rejectionOf(env.provider.listFiles({ after: 'file-00000000000000000000000000000000' }), 'Listing after an unknown id');
    expect(InvalidRequestError.isInstance(error), `expected InvalidRequestError, got ${describeError(error)}`).toBe(true);
  },
};

const checkDelete: FilesCheck = {
  name: 'deletes a file: gone from retrieve, content and list; deleting it again is NotFoundError',
  async run(env) {
    const kept = await uploadText(env, 'kept.txt');
    const before = await snapshot(env);
    const file = await upload(env, uploadOf(patternBytes(50_000, 6), 'doomed.bin'), { purpose: 'assistants' });
    const deleted = await env.provider.deleteFile(file.id);
    expect(fileDeleteResponseSchema.safeParse(deleted).success).toBe(true);
    expect(deleted).toEqual({ id: file.id, object: 'file', deleted: true });
    await expectNotFound(env.provider.retrieveFile(file.id), 'Retrieving a deleted file');
    await expectNotFound(env.provider.retrieveFileContent(file.id), 'Reading a deleted file');
    await expectNotFound(env.provider.deleteFile(file.id), 'Deleting a deleted file');
    await expectNothingStored(env, before, 'after deleting');
    expect(await listedIds(env)).toEqual([kept.id]);
  },
};

const checkUnknownIds: FilesCheck = {
  name: 'answers NotFoundError for unknown ids, path-like ones included',
  async run(env) {
    await uploadText(env, 'present.txt');
    for (const id of ['file-00000000000000000000000000000000', 'unknown', '../../etc/passwd', 'file-../present.txt', '.']) {
      await expectNotFound(env.provider.retrieveFile(id), `Retrieving '${id}'`);
      await expectNotFound(env.provider.retrieveFileContent(id), `Reading '${id}'`);
      await expectNotFound(env.provider.deleteFile(id), `Deleting '${id}'`);
    }
  },
};

const checkExpiry: FilesCheck = {
  name: 'sets expires_at from expires_after and hides a file once it has expired',
  async run(env) {
    const lasting = await uploadText(env, 'lasting.txt');
    const before = await snapshot(env);
    const file = await upload(env, uploadOf(patternBytes(10_000, 7), 'brief.bin'), {
      purpose: 'assistants',
      expires_after: { anchor: 'created_at', seconds: 3600 },
    });
    expect(file.created_at).toBe(env.clock.seconds());
    expect(file.expires_at).toBe(file.created_at + 3600);
    env.clock.advance(3599);
    expect(await env.provider.retrieveFile(file.id), 'one second before expiry').toEqual(file);
    expect(await listedIds(env), 'one second before expiry').toContain(file.id);
    env.clock.advance(2);
    expect(await listedIds(env), 'after expiry').toEqual([lasting.id]);
    await expectNotFound(env.provider.retrieveFile(file.id), 'Retrieving an expired file');
    await expectNotFound(env.provider.retrieveFileContent(file.id), 'Reading an expired file');
    await expectNotFound(env.provider.deleteFile(file.id), 'Deleting an expired file');
    await expectNothingStored(env, before, 'after expiry');
  },
};

const checkLateInvalidFields: FilesCheck = {
  name: 'stores nothing when the fields are rejected after the stream, and rethrows their error',
  async run(env) {
    await uploadText(env, 'existing.txt');
    const before = await snapshot(env);
    const invalid = new InvalidRequestError("Invalid 'purpose': expected one of assistants, batch.", { param: 'purpose' });
    const { file, fields } = uploadWithLateFields(patternBytes(300_000, 8), 'rejected.bin', { error: invalid });
    const error = await within(rejectionOf(upload(env, file, fields), 'An upload with rejected fields'), 'An upload with rejected fields');
    expect(error, `expected the fields' own error, got ${describeError(error)}`).toBe(invalid);
    await expectNothingStored(env, before, 'after rejected fields');
  },
};

const checkEarlyInvalidFields: FilesCheck = {
  name: 'stops reading and stores nothing when the fields are rejected before the stream ends',
  async run(env) {
    const before = await snapshot(env);
    const invalid = new InvalidRequestError("Invalid 'purpose'.", { param: 'purpose' });
    const error = await within(
      rejectionOf(upload(env, stalledUpload(100_000), rejectedFields(invalid)), 'An upload with rejected fields'),
      'An upload whose fields were rejected while its stream stalls',
    );
    expect(error, `expected the fields' own error, got ${describeError(error)}`).toBe(invalid);
    await expectNothingStored(env, before, 'after fields rejected early');
  },
};

const checkInvalidFieldValues: FilesCheck = {
  name: 'rejects invalid field values with InvalidRequestError naming the field, storing nothing',
  async run(env) {
    const before = await snapshot(env);
    const cases: Array<[field: string, fields: unknown]> = [
      ['purpose', { purpose: 'nonsense' }],
      ['expires_after', { purpose: 'batch', expires_after: { anchor: 'created_at', seconds: 60 } }],
    ];
    for (const [field, fields] of cases) {
      const error = await within(
        rejectionOf(upload(env, uploadOf('data', 'invalid.txt'), fields as FileUploadFields), `An upload with an invalid ${field}`),
        `An upload with an invalid ${field}`,
      );
      expect(InvalidRequestError.isInstance(error), `expected InvalidRequestError, got ${describeError(error)}`).toBe(true);
      const stackError = error as StackError;
      expect(`${stackError.param ?? ''} ${stackError.message}`, 'the error names the field').toContain(field);
    }
    await expectNothingStored(env, before, 'after invalid fields');
  },
};

const checkFailingStream: FilesCheck = {
  name: 'propagates a stream failure such as RequestTooLargeError and stores nothing',
  async run(env) {
    await uploadText(env, 'existing.txt');
    const before = await snapshot(env);
    const tooLarge = new RequestTooLargeError('The file is larger than the upload limit.', { code: 'file_too_large', param: 'file' });
    const withFields = await within(
      rejectionOf(upload(env, failingUpload(1024 * 1024, tooLarge), { purpose: 'assistants' }), 'An upload whose stream fails'),
      'An upload whose stream fails',
    );
    expect(withFields, `expected the stream's own error, got ${describeError(withFields)}`).toBe(tooLarge);
    const pending = await within(
      rejectionOf(upload(env, failingUpload(200_000, tooLarge), neverSettles()), 'An upload whose stream fails'),
      'An upload whose stream fails while its fields never arrive',
    );
    expect(pending, `expected the stream's own error, got ${describeError(pending)}`).toBe(tooLarge);
    await expectNothingStored(env, before, 'after a failed stream');
  },
};

const checkAbortedUpload: FilesCheck = {
  name: 'gives up a stalled upload when its request is aborted, storing nothing',
  async run(env) {
    const before = await snapshot(env);
    const controller = new AbortController();
    const context = createRequestContext({ signal: controller.signal });
    const uploading = env.provider.uploadFile({ file: stalledUpload(100_000), fields: { purpose: 'assistants' } }, context);
    setTimeout(() => controller.abort(), 50);
    await within(rejectionOf(uploading, 'An aborted upload'), 'An upload whose request was aborted');
    await expectNothingStored(env, before, 'after an aborted upload');
  },
};

const checkPersistence: FilesCheck = {
  name: 'keeps files, metadata and content across close and create',
  async run(env) {
    const data = patternBytes(120_000, 9);
    const first = await upload(env, uploadOf(data, 'durable.bin'), { purpose: 'batch', expires_after: { anchor: 'created_at', seconds: 86_400 } });
    env.clock.advance(1);
    const second = await uploadText(env, 'second.txt', 'vision');
    await env.reopen();
    expect(await env.provider.retrieveFile(first.id)).toEqual(first);
    expect(await env.provider.retrieveFile(second.id)).toEqual(second);
    expectSameBytes(await readContent(env, first), data, 'durable.bin after reopening');
    expect(await listedIds(env)).toEqual([second.id, first.id]);
  },
};

const checkConcurrentUploads: FilesCheck = {
  name: 'accepts concurrent uploads and keeps their contents apart',
  async run(env) {
    const payloads = [11, 12, 13, 14].map((seed) => patternBytes(150_000 + seed, seed));
    const files = await Promise.all(payloads.map((data, index) => upload(env, uploadOf(data, `parallel-${index}.bin`), { purpose: 'assistants' })));
    expect(new Set(files.map((file) => file.id)).size).toBe(files.length);
    for (const [index, file] of files.entries()) expectSameBytes(await readContent(env, file), payloads[index] as Uint8Array, file.filename);
  },
};

/** Every check of the conformance suite, in the order it runs them. */
export const filesConformanceChecks: readonly FilesCheck[] = [
  checkUploadAndRetrieve,
  checkLateFields,
  checkContentRoundTrip,
  checkContentType,
  checkFilenameAndPurposes,
  checkDefaultOrder,
  checkPaging,
  checkPurposeFilter,
  checkUnknownCursor,
  checkDelete,
  checkUnknownIds,
  checkExpiry,
  checkLateInvalidFields,
  checkEarlyInvalidFields,
  checkInvalidFieldValues,
  checkFailingStream,
  checkAbortedUpload,
  checkPersistence,
  checkConcurrentUploads,
];
