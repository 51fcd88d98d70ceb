import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@stack/core';
import { postgresTestConfig } from '@stack/core/testing';
import { startServer, type StartedServer } from '../src/start-server.js';

export type VectorBackendName = 'sqlite-vec' | 'pgvector' | 'faiss';

/** The `providers.vector_io` entry of a run.yaml for each backend. */
export function vectorIoProviderYaml(backend: VectorBackendName): string {
  switch (backend) {
    case 'sqlite-vec':
      return `  - provider_id: sqlite-vec
    provider_type: inline::sqlite-vec
    config:
      db_path: \${env.TEST_DATA_DIR}/sqlite_vec.db
      persistence:
        namespace: vector_io::sqlite_vec
        backend: kv_default`;
    case 'faiss':
      return `  - provider_id: faiss
    provider_type: inline::faiss
    config:
      persistence:
        namespace: vector_io::faiss
        backend: kv_default`;
    case 'pgvector': {
      const postgres = postgresTestConfig();
      return `  - provider_id: pgvector
    provider_type: remote::pgvector
    config:
      host: ${postgres.host}
      port: ${postgres.port}
      db: ${postgres.db}
      user: ${postgres.user ?? 'postgres'}
      password: ${postgres.password ?? ''}
      persistence:
        namespace: vector_io::pgvector
        backend: kv_default`;
    }
  }
}

/** A run.yaml in the reference format: offline embeddings, local files, one vector-io backend, the RAG tool. */
export function vectorRunYaml(backend: VectorBackendName, extra: { maxConcurrentFiles?: number } = {}): string {
  const provider = vectorIoProviderYaml(backend).replace(
    /(\n    config:\n)/,
    `$1${extra.maxConcurrentFiles ? `      max_concurrent_files: ${extra.maxConcurrentFiles}\n` : ''}`,
  );
  return `version: 2
image_name: vector-e2e
apis: [inference, files, vector_io, tool_runtime, tool_groups]
providers:
  inference:
  - provider_id: local-embeddings
    provider_type: inline::local-embeddings
    config: {}
  files:
  - provider_id: meta-reference-files
    provider_type: inline::localfs
    config:
      storage_dir: \${env.TEST_DATA_DIR}/files
      metadata_store:
        table_name: files_metadata
        backend: sql_default
  vector_io:
${provider}
  tool_runtime:
  - provider_id: rag-runtime
    provider_type: inline::rag-runtime
    config: {}
storage:
  backends:
    kv_default:
      type: kv_sqlite
      db_path: \${env.TEST_DATA_DIR}/kvstore.db
    sql_default:
      type: sql_sqlite
      db_path: \${env.TEST_DATA_DIR}/sql_store.db
  stores:
    metadata:
      namespace: registry
      backend: kv_default
registered_resources:
  models: []
  tool_groups:
  - toolgroup_id: builtin::rag
    provider_id: rag-runtime
vector_stores:
  default_embedding_model:
    provider_id: local-embeddings
    model_id: universal-sentence-encoder
server:
  port: 8321
`;
}

export interface VectorDeployment {
  server: StartedServer;
  directory: string;
  configPath: string;
  close(): Promise<void>;
}

export async function startVectorDeployment(backend: VectorBackendName): Promise<VectorDeployment> {
  const directory = await mkdtemp(join(tmpdir(), `stack-${backend}-`));
  const configPath = join(directory, 'run.yaml');
  await writeFile(configPath, vectorRunYaml(backend));
  const server = await startServer({ config: configPath, port: 0, host: '127.0.0.1', logger: silentLogger, environment: { TEST_DATA_DIR: directory } });
  return {
    server,
    directory,
    configPath,
    async close() {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
