import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';

/** A local S3-compatible server (s3rver) on an ephemeral port over a temporary directory. */
export interface LocalS3 {
  endpoint: string;
  /** The directory s3rver keeps buckets in. */
  directory: string;
  /** A client for looking behind the provider's back. */
  client: S3Client;
  /** Keys of every object in `bucket`. */
  objectKeys(bucket: string): Promise<string[]>;
  close(): Promise<void>;
}

/** s3rver accepts any request signed with these. */
export const localS3Credentials = { aws_access_key_id: 'S3RVER', aws_secret_access_key: 'S3RVER' } as const;

export async function startLocalS3(): Promise<LocalS3> {
  const directory = await mkdtemp(join(tmpdir(), 'stack-s3rver-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({
    region: 'us-east-1',
    endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: localS3Credentials.aws_access_key_id, secretAccessKey: localS3Credentials.aws_secret_access_key },
  });
  return {
    endpoint,
    directory,
    client,
    async objectKeys(bucket) {
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
        for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return keys;
    },
    async close() {
      client.destroy();
      // Keep-alive sockets would hold `close()` open until they time out.
      server.httpServer?.closeAllConnections();
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
