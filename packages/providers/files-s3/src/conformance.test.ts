import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStorageManager, storageConfigSchema } from '@stack/core';
import { describeFilesProviderConformance } from '@stack/files-api/testing';
import { afterAll } from 'vitest';
import { s3FilesConfigSchema } from './config.js';
import { createS3Files } from './s3-files.js';
import { localS3Credentials, startLocalS3 } from './test-support/local-s3.js';

const root = await mkdtemp(join(tmpdir(), 'stack-files-s3-'));
const s3 = await startLocalS3();
const storage = createStorageManager(storageConfigSchema.parse({ backends: { sql_default: { type: 'sql_sqlite', db_path: join(root, 'metadata.db') } } }));
const bucket = 'stack-files-conformance';
const config = s3FilesConfigSchema.parse({ bucket_name: bucket, endpoint_url: s3.endpoint, auto_create_bucket: true, ...localS3Credentials });

describeFilesProviderConformance({
  name: 'remote::s3 against a local S3 server',
  create: ({ clock }) => createS3Files(config, { storage, clock }),
  storedObjects: () => s3.objectKeys(bucket),
});

afterAll(async () => {
  await storage.close();
  await s3.close();
  await rm(root, { recursive: true, force: true });
});
