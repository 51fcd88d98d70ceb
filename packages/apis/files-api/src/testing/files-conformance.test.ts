import {
  binaryContent,
  formatPath,
  generateId,
  InvalidRequestError,
  NotFoundError,
  toCursorPage,
  type RequestContext,
} from '@stack/core';
import { describe, expect, it } from 'vitest';
import type { FileUploadRequest } from '../files-api.js';
import { fileUploadFieldsSchema, listFilesQuerySchema, type FileObject, type FileUploadFields } from '../schemas.js';
import { filesConformanceChecks, type ConformanceFilesProvider, type FilesCheckEnvironment } from './files-checks.js';
import { describeFilesProviderConformance } from './files-conformance.js';
import { createTestClock } from './test-clock.js';

interface StoredFile {
  file: FileObject;
  data: Uint8Array;
  contentType: string | undefined;
}

/** Metadata and bytes, shared by the instances over one storage; `leftovers` are bytes without metadata. */
interface MemoryStore {
  files: Map<string, StoredFile>;
  leftovers: Set<string>;
}

const storedObjectsOf = (store: MemoryStore) => async () => [...store.files.keys(), ...store.leftovers];

/** Ways to break the rules, each of which one check must catch. */
interface Faults {
  oldestFirstByDefault?: boolean;
  ignoresExpiry?: boolean;
  storesBeforeFields?: boolean;
  replacesStreamErrors?: boolean;
  keepsDeletedBytes?: boolean;
  readsFieldsFirst?: boolean;
}

const typesByExtension: Record<string, string> = { txt: 'text/plain', html: 'text/html', json: 'application/json' };

function parseFields(fields: unknown): FileUploadFields {
  const parsed = fileUploadFieldsSchema.safeParse(fields);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const param = issue ? formatPath(issue.path) : 'fields';
  throw new InvalidRequestError(`Invalid '${param}': ${issue?.message ?? 'invalid'}`, { param });
}

/**
 * A files provider in memory that keeps every rule of the suite (bytes are kept in a shared map
 * so a second instance sees them): the suite must pass it, and each fault must fail one check.
 */
function createMemoryFilesProvider(store: MemoryStore, clock: () => number, faults: Faults = {}): ConformanceFilesProvider {
  const { files } = store;
  const seconds = () => Math.floor(clock() / 1000);
  const expired = (file: FileObject) => !faults.ignoresExpiry && file.expires_at !== null && file.expires_at <= seconds();
  const live = (id: string): StoredFile => {
    const stored = files.get(id);
    if (stored && expired(stored.file)) files.delete(id);
    if (!stored || expired(stored.file)) throw NotFoundError.of('File', id);
    return stored;
  };

  async function receive(request: FileUploadRequest, context: RequestContext | undefined): Promise<{ data: Uint8Array; fields: FileUploadFields }> {
    const cancel = new AbortController();
    const fields = Promise.resolve(request.fields).then(parseFields);
    fields.catch((error: unknown) => cancel.abort(error));
    const signal = context?.signal;
    if (signal?.aborted) cancel.abort(signal.reason);
    signal?.addEventListener('abort', () => cancel.abort(signal.reason), { once: true });
    const cancelled = new Promise<never>((_, reject) => {
      if (cancel.signal.aborted) reject(cancel.signal.reason);
      cancel.signal.addEventListener('abort', () => reject(cancel.signal.reason), { once: true });
    });
    cancelled.catch(() => undefined);
    if (faults.readsFieldsFirst) await fields;
    const iterator = request.file.stream[Symbol.asyncIterator]();
    const chunks: Uint8Array[] = [];
    try {
      for (;;) {
        const step = await Promise.race([iterator.next(), cancelled]);
        if (step.done) break;
        chunks.push(step.value);
      }
    } catch (error) {
      void iterator.return?.()?.catch(() => undefined);
      throw faults.replacesStreamErrors ? new Error('upload failed') : error;
    }
    const data = Buffer.concat(chunks);
    if (faults.storesBeforeFields) {
      const id = generateId('file');
      files.set(id, { file: { object: 'file', id, bytes: data.byteLength, created_at: seconds(), expires_at: null, filename: 'x', purpose: 'assistants' }, data, contentType: undefined });
    }
    return { data, fields: await Promise.race([fields, cancelled]) };
  }

  return {
    async uploadFile(request, context) {
      const createdAt = seconds();
      const { data, fields } = await receive(request, context);
      const file: FileObject = {
        object: 'file',
        id: generateId('file'),
        bytes: data.byteLength,
        created_at: createdAt,
        expires_at: fields.expires_after ? createdAt + fields.expires_after.seconds : null,
        filename: request.file.filename,
        purpose: fields.purpose,
        status: 'processed',
      };
      files.set(file.id, { file, data, contentType: request.file.contentType });
      return file;
    },
    async listFiles(request = {}) {
      const query = listFilesQuerySchema.parse(request);
      for (const [id, stored] of files) if (expired(stored.file)) files.delete(id);
      const order = query.order ?? (faults.oldestFirstByDefault ? 'asc' : 'desc');
      const sign = order === 'asc' ? 1 : -1;
      const sorted = [...files.values()]
        .map((stored) => stored.file)
        .filter((file) => query.purpose === undefined || file.purpose === query.purpose)
        .sort((a, b) => sign * (a.created_at - b.created_at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)));
      let start = 0;
      if (query.after !== undefined) {
        const index = sorted.findIndex((file) => file.id === query.after);
        if (index < 0) throw new InvalidRequestError(`No file '${query.after}' to list after.`, { param: 'after' });
        start = index + 1;
      }
      const limit = query.limit ?? 10_000;
      return toCursorPage(sorted.slice(start, start + limit), start + limit < sorted.length, (file) => file.id);
    },
    async retrieveFile(id) {
      return live(id).file;
    },
    async retrieveFileContent(id) {
      const stored = live(id);
      const extension = stored.file.filename.split('.').pop() ?? '';
      const declared = stored.contentType && stored.contentType !== 'application/octet-stream' ? stored.contentType : undefined;
      return binaryContent({
        stream: (async function* () {
          yield stored.data;
        })(),
        contentType: declared ?? typesByExtension[extension] ?? 'application/octet-stream',
        bytes: stored.data.byteLength,
        filename: stored.file.filename,
      });
    },
    async deleteFile(id) {
      live(id);
      files.delete(id);
      if (faults.keepsDeletedBytes) store.leftovers.add(id);
      return { id, object: 'file', deleted: true };
    },
  };
}

const memoryStore: MemoryStore = { files: new Map(), leftovers: new Set() };

describeFilesProviderConformance({
  name: 'an in-memory reference provider',
  create: async ({ clock }) => createMemoryFilesProvider(memoryStore, clock),
  storedObjects: storedObjectsOf(memoryStore),
});

function checkNamed(start: string) {
  const check = filesConformanceChecks.find((candidate) => candidate.name.startsWith(start));
  if (!check) throw new Error(`No check named '${start}…'.`);
  return check;
}

/** Runs one check against a faulty provider over fresh storage. */
function runAgainst(faults: Faults, start: string): Promise<void> {
  const store: MemoryStore = { files: new Map(), leftovers: new Set() };
  const clock = createTestClock();
  let provider = createMemoryFilesProvider(store, clock.now, faults);
  const env: FilesCheckEnvironment = {
    get provider() {
      return provider;
    },
    clock,
    async reopen() {
      provider = createMemoryFilesProvider(store, clock.now, faults);
      return provider;
    },
    storedObjects: storedObjectsOf(store),
  };
  return checkNamed(start).run(env);
}

describe('the files conformance checks', () => {
  it('catch a provider that lists oldest first by default', async () => {
    await expect(runAgainst({ oldestFirstByDefault: true }, 'lists newest first')).rejects.toThrowError();
  });

  it('catch a provider that ignores expiry', async () => {
    await expect(runAgainst({ ignoresExpiry: true }, 'sets expires_at')).rejects.toThrowError(/after expiry/);
  });

  it('catch a provider that stores bytes before its fields are valid', async () => {
    await expect(runAgainst({ storesBeforeFields: true }, 'stores nothing when the fields are rejected')).rejects.toThrowError(/listing changed/);
  });

  it('catch a provider that replaces a stream error with its own', async () => {
    await expect(runAgainst({ replacesStreamErrors: true }, 'propagates a stream failure')).rejects.toThrowError(/stream's own error/);
  });

  it('catch a provider that keeps the bytes of deleted files', async () => {
    await expect(runAgainst({ keepsDeletedBytes: true }, 'deletes a file')).rejects.toThrowError(/left behind/);
  });

  it('catch a provider that waits for the fields before reading the stream', async () => {
    await expect(runAgainst({ readsFieldsFirst: true }, 'reads the stream before')).rejects.toThrowError(/did not settle/);
  });
});
