import { describe, expect, it } from 'vitest';
import { s3FilesConfigSchema } from './config.js';

describe('the remote::s3 config', () => {
  it('defaults the region, bucket creation, credentials and metadata store', () => {
    expect(s3FilesConfigSchema.parse({ bucket_name: 'my-files' })).toEqual({
      bucket_name: 'my-files',
      region: 'us-east-1',
      aws_access_key_id: undefined,
      aws_secret_access_key: undefined,
      endpoint_url: undefined,
      auto_create_bucket: false,
      metadata_store: { backend: 'sql_default', table_name: 's3_files_metadata' },
    });
  });

  it('reads values as ${env.X:=} substitution leaves them: null, empty strings and boolean strings', () => {
    const config = s3FilesConfigSchema.parse({
      bucket_name: 'my-files',
      region: null,
      aws_access_key_id: '',
      aws_secret_access_key: null,
      endpoint_url: '',
      auto_create_bucket: 'True',
      metadata_store: null,
    });
    expect(config).toMatchObject({ region: 'us-east-1', aws_access_key_id: undefined, endpoint_url: undefined, auto_create_bucket: true });
    expect(config.metadata_store).toEqual({ backend: 'sql_default', table_name: 's3_files_metadata' });
    expect(s3FilesConfigSchema.parse({ bucket_name: 'b', auto_create_bucket: 'false' }).auto_create_bucket).toBe(false);
    expect(s3FilesConfigSchema.parse({ bucket_name: 'b', auto_create_bucket: '' }).auto_create_bucket).toBe(false);
  });

  it('keeps explicit credentials, endpoint, region and metadata store', () => {
    const config = s3FilesConfigSchema.parse({
      bucket_name: 'b',
      region: 'eu-west-1',
      aws_access_key_id: 'AKIA',
      aws_secret_access_key: 'secret',
      endpoint_url: 'http://minio:9000',
      metadata_store: { backend: 'sql_pg', table_name: 'files' },
    });
    expect(config).toMatchObject({ region: 'eu-west-1', aws_access_key_id: 'AKIA', aws_secret_access_key: 'secret', endpoint_url: 'http://minio:9000' });
    expect(config.metadata_store).toMatchObject({ backend: 'sql_pg', table_name: 'files' });
  });

  it('rejects a missing bucket, half a key pair, a bad endpoint and a bad flag, naming the field', () => {
    const issuesOf = (input: unknown) => {
      const parsed = s3FilesConfigSchema.safeParse(input);
      return parsed.success ? [] : parsed.error.issues.map((issue) => issue.path.join('.'));
    };
    expect(issuesOf({})).toContain('bucket_name');
    expect(issuesOf({ bucket_name: ' ' })).toContain('bucket_name');
    expect(issuesOf({ bucket_name: 'b', aws_access_key_id: 'AKIA' })).toEqual(['aws_secret_access_key']);
    expect(issuesOf({ bucket_name: 'b', aws_secret_access_key: 'secret' })).toEqual(['aws_access_key_id']);
    expect(issuesOf({ bucket_name: 'b', endpoint_url: 'not a url' })).toEqual(['endpoint_url']);
    expect(issuesOf({ bucket_name: 'b', auto_create_bucket: 'maybe' })).toEqual(['auto_create_bucket']);
  });
});
