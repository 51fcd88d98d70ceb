import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteBucketCommand, DeleteObjectCommand, GetObjectCommand, HeadBucketCommand } from '@aws-sdk/client-s3';
import { createStorageManager, readAllBytes, RequestTooLargeError, storageConfigSchema, type StorageManager } from '@stack/core';
import { providerTestDependencies } from '@stack/core/testing';
import { createTestClock, failingUpload, patternBytes, uploadOf } from '@stack/files-api/testing';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { s3FilesConfigSchema, type S3FilesConfigInput } from './config.js';
import { providerSpec } from './index.js';
import { createS3Files, type S3FilesProvider } from './s3-files.js';
import { localS3Credentials, startLocalS3, type LocalS3 } from './test-support/local-s3.js';

let s3: LocalS3;
let root: string;
let storage: StorageManager;
let bucketNumber = 0;
let bucket: string;
const opened: S3FilesProvider[] = [];

beforeAll(async () => {
  s3 = await startLocalS3();
});

afterAll(async () => {
  await s3.close();
});

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'stack-files-s3-unit-'));
  storage = createStorageManager(storageConfigSchema.parse({ backends: { sql_default: { type: 'sql_sqlite', db_path: join(root, 'meta.db') } } }));
  bucketNumber += 1;
  bucket = `stack-files-unit-${bucketNumber}`;
});

afterEach(async () => {
  for (const provider of opened.splice(0)) await provider.close();
  await storage.close();
  await rm(root, { recursive: true, force: true });
});

const configWith = (extra: Partial<S3FilesConfigInput> = {}) =>
  s3FilesConfigSchema.parse({ bucket_name: bucket, endpoint_url: s3.endpoint, auto_create_bucket: true, ...localS3Credentials, ...extra });

async function open(extra: Partial<S3FilesConfigInput> = {}, clock?: () => number): Promise<S3FilesProvider> {
  const provider = await createS3Files(configWith(extra), { storage, clock });
  opened.push(provider);
  return provider;
}

describe('remote::s3', () => {
  it('is the files provider remote::s3 and creates a missing bucket only when asked', async () => {
    expect(providerSpec).toMatchObject({ api: 'files', providerType: 'remote::s3' });
    await expect(providerSpec.create(configWith({ auto_create_bucket: false }), providerTestDependencies('s3', { storage }))).rejects.toMatchObject({
      kind: 'invalid_request',
      param: 'bucket_name',
      message: expect.stringContaining(`'${bucket}' does not exist`),
    });
    const provider = await providerSpec.create(configWith(), providerTestDependencies('s3', { storage }));
    opened.push(provider);
    await expect(s3.client.send(new HeadBucketCommand({ Bucket: bucket }))).resolves.toBeDefined();
    // An existing bucket is used as it is.
    opened.push(await open({ auto_create_bucket: false }));
  });

  it('stores each file as an object keyed by its id, with its bytes and declared type', async () => {
    const provider = await open();
    const file = await provider.uploadFile({ file: uploadOf('{"a":1}', 'data.json', 'application/json'), fields: { purpose: 'assistants' } });
    expect(await s3.objectKeys(bucket)).toEqual([file.id]);
    const object = await s3.client.send(new GetObjectCommand({ Bucket: bucket, Key: file.id }));
    expect(object.ContentType).toBe('application/json');
    expect(new TextDecoder().decode(await readAllBytes(object.Body as AsyncIterable<Uint8Array>))).toBe('{"a":1}');
    expect((await provider.retrieveFileContent(file.id)).contentType).toBe('application/json');
  });

  it('round-trips a multipart upload', async () => {
    const provider = await open();
    const data = patternBytes(11 * 1024 * 1024 + 3, 21);
    const file = await provider.uploadFile({ file: uploadOf(data, 'big.bin'), fields: { purpose: 'user_data' } });
    expect(file.bytes).toBe(data.byteLength);
    const content = await provider.retrieveFileContent(file.id);
    expect(content.bytes).toBe(data.byteLength);
    expect(Buffer.from(await readAllBytes(content.stream)).equals(Buffer.from(data))).toBe(true);
  });

  it('reports the stream error of a multipart upload that fails after its first part, leaving no object', async () => {
    const provider = await open();
    const tooLarge = new RequestTooLargeError('The file is larger than the upload limit.');
    // s3rver does not implement AbortMultipartUpload, so the abort itself fails here.
    await expect(provider.uploadFile({ file: failingUpload(6 * 1024 * 1024, tooLarge), fields: { purpose: 'assistants' } })).rejects.toBe(tooLarge);
    expect(await s3.objectKeys(bucket)).toEqual([]);
    expect((await provider.listFiles()).data).toEqual([]);
  });

  it('expires batch files after 30 days by default and keeps other purposes', async () => {
    const clock = createTestClock();
    const provider = await open({}, clock.now);
    const batch = await provider.uploadFile({ file: uploadOf('{}', 'requests.jsonl'), fields: { purpose: 'batch' } });
    expect(batch.expires_at).toBe(batch.created_at + 30 * 24 * 60 * 60);
    const kept = await provider.uploadFile({ file: uploadOf('x', 'kept.txt'), fields: { purpose: 'assistants' } });
    expect(kept.expires_at).toBeNull();
    clock.advance(30 * 24 * 60 * 60);
    expect((await provider.listFiles()).data.map((file) => file.id)).toEqual([kept.id]);
    expect(await s3.objectKeys(bucket)).toEqual([kept.id]);
  });

  it('answers NotFoundError and drops the row when the object is gone', async () => {
    const provider = await open();
    const file = await provider.uploadFile({ file: uploadOf('bytes', 'gone.txt'), fields: { purpose: 'assistants' } });
    await s3.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: file.id }));
    await expect(provider.retrieveFileContent(file.id)).rejects.toMatchObject({ kind: 'not_found' });
    await expect(provider.retrieveFile(file.id)).rejects.toMatchObject({ kind: 'not_found' });
  });

  it('turns other S3 failures into UpstreamError with the status S3 answered', async () => {
    const provider = await open();
    const file = await provider.uploadFile({ file: uploadOf('bytes', 'orphan.txt'), fields: { purpose: 'assistants' } });
    await s3.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: file.id }));
    await s3.client.send(new DeleteBucketCommand({ Bucket: bucket }));
    const reading = provider.retrieveFileContent(file.id);
    await expect(reading).rejects.toMatchObject({ kind: 'upstream', upstreamStatus: 404, message: expect.stringContaining('NoSuchBucket') });
    await expect(provider.uploadFile({ file: uploadOf('more', 'more.txt'), fields: { purpose: 'assistants' } })).rejects.toMatchObject({
      kind: 'upstream',
      upstreamStatus: 404,
    });
    // The file is still listed: its row stays until its object can be removed.
    await expect(provider.deleteFile(file.id)).rejects.toMatchObject({ kind: 'upstream' });
    expect((await provider.listFiles()).data.map((listed) => listed.id)).toEqual([file.id]);
  });

  it('stops reading an upload once S3 has failed it', async () => {
    const provider = await open();
    await s3.client.send(new DeleteBucketCommand({ Bucket: bucket }));
    let sent = 0;
    let closed = false;
    const endless = {
      filename: 'endless.bin',
      stream: (async function* () {
        try {
          for (let index = 0; index < 100; index += 1) {
            sent += 1024 * 1024;
            yield patternBytes(1024 * 1024, index);
          }
        } finally {
          closed = true;
        }
      })(),
    };
    await expect(provider.uploadFile({ file: endless, fields: { purpose: 'assistants' } })).rejects.toMatchObject({ kind: 'upstream', upstreamStatus: 404 });
    expect(closed).toBe(true);
    expect(sent).toBeLessThan(20 * 1024 * 1024);
  });

  it('reports health from the bucket: OK while reachable, Error once the server is gone', async () => {
    const other = await startLocalS3();
    const provider = await createS3Files(configWith({ endpoint_url: other.endpoint }), { storage });
    opened.push(provider);
    expect(await provider.health()).toEqual({ status: 'OK' });
    await other.close();
    const health = await provider.health();
    expect(health.status).toBe('Error');
    expect(health.message).toMatch(/^S3 checking bucket/);
  });
});
