import { defineProvider } from '@stack/core';
import { s3FilesConfigSchema } from './config.js';
import { createS3Files, type S3FilesProvider } from './s3-files.js';

export const providerSpec = defineProvider({
  api: 'files',
  providerType: 'remote::s3',
  description: 'Files in an S3 (or S3-compatible) bucket, metadata in a SQL store.',
  configSchema: s3FilesConfigSchema,
  create(config, deps): Promise<S3FilesProvider> {
    return createS3Files(config, { storage: deps.storage, logger: deps.logger });
  },
});

export { defaultS3MetadataStore, s3FilesConfigSchema, type S3FilesConfig, type S3FilesConfigInput } from './config.js';
export { createS3Files, type S3FilesOptions, type S3FilesProvider } from './s3-files.js';
