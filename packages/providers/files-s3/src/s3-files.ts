import { Readable } from 'node:stream';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  S3Client,
  type BucketLocationConstraint,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import {
  binaryContent,
  generateId,
  InvalidRequestError,
  NotFoundError,
  silentLogger,
  StackError,
  toCursorPage,
  UpstreamError,
  type Logger,
  type ProviderHealth,
  type StorageManager,
} from '@stack/core';
import { MAX_FILE_EXPIRY_SECONDS, type FilesProvider } from '@stack/files-api';
import type { S3FilesConfig } from './config.js';
import { contentTypeFor, type FileRecord, openFileMetadataTable, parseListRequest, receiveUpload, toFileObject } from '@stack/files-core';

export interface S3FilesOptions {
  /** Opens the metadata store named by `metadata_store`. */
  storage: StorageManager;
  logger?: Logger | undefined;
  /** "Now" in epoch milliseconds (tests move it by hand); defaults to `Date.now`. */
  clock?: (() => number) | undefined;
  /** Multipart part size in bytes (S3's minimum, 5 MiB, by default). */
  partSize?: number | undefined;
}

/** A `remote::s3` files provider. */
export type S3FilesProvider = FilesProvider & {
  close(): Promise<void>;
  health(): Promise<ProviderHealth>;
};

/** S3's smallest multipart part; an upload holds at most `(queueSize + 1)` parts in memory. */
const minimumPartSize = 5 * 1024 * 1024;
const queueSize = 2;
const healthTimeoutMs = 5_000;
/** Expired files removed per list call. */
const sweepBatch = 100;

interface S3ErrorShape {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

function statusOf(error: unknown): number | undefined {
  return (error as S3ErrorShape | undefined)?.$metadata?.httpStatusCode;
}

/** S3's failure as an `UpstreamError` (errors already from the closed set pass through). */
function s3Failure(error: unknown, action: string): StackError {
  if (StackError.isInstance(error)) return error;
  const { name, message } = (error ?? {}) as S3ErrorShape;
  return new UpstreamError(`S3 ${action} failed: ${name ?? 'Error'}${message ? `: ${message}` : ''}`, {
    cause: error,
    upstreamStatus: statusOf(error),
  });
}

function createClient(config: S3FilesConfig): S3Client {
  return new S3Client({
    region: config.region,
    ...(config.endpoint_url ? { endpoint: config.endpoint_url, forcePathStyle: true } : {}),
    ...(config.aws_access_key_id && config.aws_secret_access_key
      ? { credentials: { accessKeyId: config.aws_access_key_id, secretAccessKey: config.aws_secret_access_key } }
      : {}),
  });
}

async function ensureBucket(client: S3Client, config: S3FilesConfig): Promise<void> {
  const Bucket = config.bucket_name;
  try {
    await client.send(new HeadBucketCommand({ Bucket }));
    return;
  } catch (error) {
    if (statusOf(error) !== 404) throw s3Failure(error, `checking bucket '${Bucket}'`);
  }
  if (!config.auto_create_bucket) {
    throw new InvalidRequestError(`S3 bucket '${Bucket}' does not exist. Create it, or set auto_create_bucket: true.`, {
      code: 'invalid_config',
      param: 'bucket_name',
    });
  }
  try {
    // us-east-1 takes no location constraint.
    const location = config.region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: config.region as BucketLocationConstraint } };
    await client.send(new CreateBucketCommand({ Bucket, ...location }));
  } catch (error) {
    // Another instance may have created it meanwhile.
    if ((error as S3ErrorShape).name !== 'BucketAlreadyOwnedByYou') throw s3Failure(error, `creating bucket '${Bucket}'`);
  }
}

/**
 * Files as objects in an S3 bucket (keyed by file id), metadata in a SQL table. Uploads stream
 * through multipart uploads of bounded size; the metadata row is written last, and an upload
 * that fails (bad fields, a broken stream, an abort) has its object removed. Expired files are
 * removed when touched and when files are listed.
 */
export async function createS3Files(config: S3FilesConfig, options: S3FilesOptions): Promise<S3FilesProvider> {
  const clock = options.clock ?? Date.now;
  const logger = options.logger ?? silentLogger;
  const partSize = Math.max(options.partSize ?? minimumPartSize, minimumPartSize);
  const Bucket = config.bucket_name;
  const client = createClient(config);

  let table: Awaited<ReturnType<typeof openFileMetadataTable>>;
  try {
    await ensureBucket(client, config);
    table = await openFileMetadataTable(await options.storage.sql(config.metadata_store), 'files-s3');
  } catch (error) {
    client.destroy();
    throw error;
  }

  const nowSeconds = () => Math.floor(clock() / 1000);
  const notFound = (id: string) => NotFoundError.of('File', id);
  const isExpired = (record: FileRecord) => record.expires_at !== null && record.expires_at <= nowSeconds();

  const deleteObject = async (id: string) => {
    try {
      await client.send(new DeleteObjectCommand({ Bucket, Key: id }));
    } catch (error) {
      throw s3Failure(error, `deleting object '${id}'`);
    }
  };

  /** Removes an expired file's object, then its row; failures are logged and retried later. */
  const discardExpired = async (id: string) => {
    try {
      await deleteObject(id);
      await table.remove(id);
    } catch (error) {
      logger.warn('Could not remove an expired file', { file_id: id, error: String(error) });
    }
  };

  const live = async (id: string): Promise<FileRecord> => {
    const record = await table.get(id);
    if (!record) throw notFound(id);
    if (isExpired(record)) {
      await discardExpired(id);
      throw notFound(id);
    }
    return record;
  };

  return {
    async uploadFile(request, context) {
      const createdAt = nowSeconds();
      const id = generateId('file');
      let started = false;
      let committed = false;
      try {
        const { fields, bytes } = await receiveUpload(request, context?.signal, async (source) => {
          started = true;
          const body = Readable.from(source);
          const upload = new Upload({
            client,
            params: { Bucket, Key: id, Body: body, ContentType: request.file.contentType },
            partSize,
            queueSize,
            leavePartsOnError: false,
          });
          try {
            await upload.done();
          } catch (error) {
            // Stops reading the upload when S3 gave up before the stream ended.
            body.destroy();
            throw s3Failure(error, `uploading object '${id}'`);
          }
        });
        // Without expires_after, batch files expire after 30 days as at OpenAI; others are kept.
        const expiresIn = fields.expires_after?.seconds ?? (fields.purpose === 'batch' ? MAX_FILE_EXPIRY_SECONDS : null);
        const record: FileRecord = {
          id,
          filename: request.file.filename,
          purpose: fields.purpose,
          bytes,
          created_at: createdAt,
          expires_at: expiresIn === null ? null : createdAt + expiresIn,
          content_type: request.file.contentType ?? null,
        };
        await table.insert(record);
        committed = true;
        return toFileObject(record);
      } finally {
        if (started && !committed) {
          await deleteObject(id).catch((error: unknown) =>
            logger.warn('Could not remove the object of a failed upload', { file_id: id, error: String(error) }),
          );
        }
      }
    },

    async listFiles(request) {
      const query = parseListRequest(request);
      for (const id of await table.expiredIds(nowSeconds(), sweepBatch)) await discardExpired(id);
      const { records, hasMore } = await table.page(query, nowSeconds());
      return toCursorPage(records.map(toFileObject), hasMore, (file) => file.id);
    },

    async retrieveFile(id) {
      return toFileObject(await live(id));
    },

    async retrieveFileContent(id, context) {
      const record = await live(id);
      let body: unknown;
      try {
        const response = await client.send(new GetObjectCommand({ Bucket, Key: id }), { abortSignal: context?.signal });
        body = response.Body;
      } catch (error) {
        if ((error as S3ErrorShape).name === 'NoSuchKey') {
          logger.warn('A file row has no object in the bucket; removing the row', { file_id: id });
          await table.remove(id);
          throw notFound(id);
        }
        throw s3Failure(error, `reading object '${id}'`);
      }
      if (typeof body !== 'object' || body === null || !(Symbol.asyncIterator in body)) {
        throw new UpstreamError(`S3 answered object '${id}' without a readable body.`);
      }
      return binaryContent({
        stream: body as AsyncIterable<Uint8Array>,
        contentType: contentTypeFor(record.filename, record.content_type),
        bytes: record.bytes,
        filename: record.filename,
      });
    },

    async deleteFile(id) {
      await live(id);
      await deleteObject(id);
      if (!(await table.remove(id))) throw notFound(id);
      return { id, object: 'file', deleted: true };
    },

    async health() {
      try {
        await client.send(new HeadBucketCommand({ Bucket }), { abortSignal: AbortSignal.timeout(healthTimeoutMs) });
        return { status: 'OK' };
      } catch (error) {
        return { status: 'Error', message: s3Failure(error, `checking bucket '${Bucket}'`).message };
      }
    },

    async close() {
      client.destroy();
    },
  };
}
