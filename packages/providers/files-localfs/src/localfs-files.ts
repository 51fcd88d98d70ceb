import { createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  binaryContent,
  generateId,
  NotFoundError,
  silentLogger,
  toCursorPage,
  type Logger,
  type StorageManager,
} from '@stack/core';
import type { FilesProvider } from '@stack/files-api';
import type { LocalFsFilesConfig } from './config.js';
import { contentTypeFor, type FileRecord, openFileMetadataTable, parseListRequest, receiveUpload, toFileObject } from '@stack/files-core';

export interface LocalFsFilesOptions {
  /** Opens the metadata store named by `metadata_store`. */
  storage: StorageManager;
  logger?: Logger | undefined;
  /** "Now" in epoch milliseconds (tests move it by hand); defaults to `Date.now`. */
  clock?: (() => number) | undefined;
}

/** An `inline::localfs` files provider. */
export type LocalFsFilesProvider = FilesProvider & { close(): Promise<void> };

/** The ids this provider hands out, and so the only names it reads: `file-` and 32 hex digits. */
const fileIdPattern = /^file-[0-9a-f]{32}$/;
/** Uploads in progress are written under this prefix and renamed when committed. */
const partialPrefix = '.partial-';
/** A partial upload untouched this long was left by a crash. */
const stalePartialMs = 60 * 60 * 1000;
/** Expired files removed per sweep (a list, or a batch of the startup sweep). */
const sweepBatch = 500;

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

/**
 * Files on the local disk under `storage_dir/<file id>`, metadata in a SQL table. Uploads stream
 * to a partial file that is renamed into place in the transaction that inserts its row, so no
 * half-written file is ever visible. Expired files are removed when touched, when files are
 * listed, and when the provider starts.
 */
export async function createLocalFsFiles(config: LocalFsFilesConfig, options: LocalFsFilesOptions): Promise<LocalFsFilesProvider> {
  const clock = options.clock ?? Date.now;
  const logger = options.logger ?? silentLogger;
  const storageDir = config.storage_dir;
  await mkdir(storageDir, { recursive: true });
  const table = await openFileMetadataTable(await options.storage.sql(config.metadata_store), 'files-localfs');

  const nowSeconds = () => Math.floor(clock() / 1000);
  const pathOf = (id: string) => join(storageDir, id);
  const notFound = (id: string) => NotFoundError.of('File', id);
  const isExpired = (record: FileRecord) => record.expires_at !== null && record.expires_at <= nowSeconds();

  const removeQuietly = async (path: string) => {
    try {
      await rm(path, { force: true });
    } catch (error) {
      logger.warn('Could not remove a file', { path, error: String(error) });
    }
  };

  /** Removes a file's row, then its bytes; whether the row was there. */
  const discard = async (id: string) => {
    const removed = await table.remove(id);
    await removeQuietly(pathOf(id));
    return removed;
  };

  const sweepExpired = async (all: boolean) => {
    for (;;) {
      const ids = await table.expiredIds(nowSeconds(), sweepBatch);
      for (const id of ids) await discard(id);
      if (!all || ids.length < sweepBatch) return;
    }
  };

  /** Partial files of uploads that a crash interrupted (file mtimes are wall-clock time). */
  const sweepStalePartials = async () => {
    for (const name of await readdir(storageDir)) {
      if (!name.startsWith(partialPrefix)) continue;
      const path = join(storageDir, name);
      const info = await stat(path).catch(() => undefined);
      if (info && Date.now() - info.mtimeMs > stalePartialMs) await removeQuietly(path);
    }
  };

  /** The row of a file that exists and has not expired; an expired one is removed. */
  const live = async (id: string): Promise<FileRecord> => {
    if (!fileIdPattern.test(id)) throw notFound(id);
    const record = await table.get(id);
    if (!record) throw notFound(id);
    if (isExpired(record)) {
      await discard(id);
      throw notFound(id);
    }
    return record;
  };

  await sweepStalePartials();
  await sweepExpired(true);

  return {
    async uploadFile(request, context) {
      const createdAt = nowSeconds();
      const id = generateId('file');
      const partialPath = join(storageDir, `${partialPrefix}${id}`);
      let committed = false;
      try {
        const { fields, bytes } = await receiveUpload(request, context?.signal, (source) =>
          pipeline(Readable.from(source), createWriteStream(partialPath, { flags: 'wx', flush: true })),
        );
        const expiresIn = fields.expires_after?.seconds ?? config.ttl_secs;
        const record: FileRecord = {
          id,
          filename: request.file.filename,
          purpose: fields.purpose,
          bytes,
          created_at: createdAt,
          expires_at: expiresIn === null ? null : createdAt + expiresIn,
          content_type: request.file.contentType ?? null,
        };
        await table.insert(record, () => rename(partialPath, pathOf(id)));
        committed = true;
        return toFileObject(record);
      } finally {
        if (!committed) {
          await removeQuietly(partialPath);
          // The rename may have happened in a transaction that then failed to commit.
          await removeQuietly(pathOf(id));
        }
      }
    },

    async listFiles(request) {
      const query = parseListRequest(request);
      await sweepExpired(false);
      const { records, hasMore } = await table.page(query, nowSeconds());
      return toCursorPage(records.map(toFileObject), hasMore, (file) => file.id);
    },

    async retrieveFile(id) {
      return toFileObject(await live(id));
    },

    async retrieveFileContent(id) {
      const record = await live(id);
      let handle;
      try {
        handle = await open(pathOf(id), 'r');
      } catch (error) {
        if (!isMissing(error)) throw error;
        logger.warn('A file row has no bytes on disk; removing the row', { file_id: id });
        await table.remove(id);
        throw notFound(id);
      }
      return binaryContent({
        stream: handle.createReadStream({ highWaterMark: 64 * 1024 }),
        contentType: contentTypeFor(record.filename, record.content_type),
        bytes: record.bytes,
        filename: record.filename,
      });
    },

    async deleteFile(id) {
      await live(id);
      if (!(await discard(id))) throw notFound(id);
      return { id, object: 'file', deleted: true };
    },

    // The metadata connection belongs to the storage manager; nothing else is held open.
    async close() {},
  };
}
