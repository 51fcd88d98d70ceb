import { sqlStoreReferenceSchema } from '@stack/core';
import { z } from 'zod';

/** Where file metadata goes unless `metadata_store` says otherwise. */
export const defaultS3MetadataStore = { backend: 'sql_default', table_name: 's3_files_metadata' } as const;

/** A string that may be unset (`null`, empty after substitution). */
const optionalString = z
  .string()
  .nullish()
  .transform((value) => value?.trim() || undefined);

/** `"true"`/`"false"` (any case) as booleans, an empty string as unset. */
function booleanLike(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const lowered = value.trim().toLowerCase();
  if (lowered === '') return null;
  if (lowered === 'true' || lowered === 'false') return lowered === 'true';
  return value;
}

/** A boolean; unset → false. */
const flag = z.preprocess(booleanLike, z.boolean().nullish()).transform((value) => value ?? false);

/**
 * The `config:` block of a `remote::s3` files provider, keys as in the reference run config.
 * Values may arrive as strings or null after `${env.X:=…}` substitution.
 */
export const s3FilesConfigSchema = z
  .object({
    /** The bucket holding the files, one object per file, keyed by file id. */
    bucket_name: z.string().trim().min(1, 'bucket_name must name a bucket'),
    /** The bucket's region (default `us-east-1`). */
    region: optionalString.transform((region) => region ?? 'us-east-1'),
    /** With `aws_secret_access_key`; without both, the default AWS credential chain applies. */
    aws_access_key_id: optionalString,
    aws_secret_access_key: optionalString,
    /** An S3-compatible server (MinIO, LocalStack, …); addressed path-style. */
    endpoint_url: optionalString.pipe(z.url({ message: 'endpoint_url must be a URL' }).optional()),
    /** Create the bucket when it does not exist (default false: a missing bucket is an error). */
    auto_create_bucket: flag,
    /** The SQL store (backend and table) for file metadata. */
    metadata_store: sqlStoreReferenceSchema.nullish().transform((reference) => reference ?? { ...defaultS3MetadataStore }),
  })
  .superRefine((config, context) => {
    if ((config.aws_access_key_id === undefined) !== (config.aws_secret_access_key === undefined)) {
      const missing = config.aws_access_key_id === undefined ? 'aws_access_key_id' : 'aws_secret_access_key';
      context.addIssue({ code: 'custom', path: [missing], message: 'set both aws_access_key_id and aws_secret_access_key, or neither' });
    }
  });

export type S3FilesConfig = z.output<typeof s3FilesConfigSchema>;
export type S3FilesConfigInput = z.input<typeof s3FilesConfigSchema>;
