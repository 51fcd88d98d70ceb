import type { Distribution, RunConfig } from '@stack/core';
import { providerSpec as localFs } from '@stack/files-localfs';
import { providerSpec as localEmbeddings } from '@stack/inference-local-embeddings';
import { providerSpec as ollama } from '@stack/inference-ollama';
import { providerSpec as openai } from '@stack/inference-openai';
import { providerSpec as vllm } from '@stack/inference-vllm';
import { providerSpec as ragRuntime } from '@stack/tool-runtime-rag';
import { providerSpec as faiss } from '@stack/vector-io-faiss';
import { providerSpec as pgvector } from '@stack/vector-io-pgvector';
import { providerSpec as sqliteVec } from '@stack/vector-io-sqlite-vec';

const dataDir = '${env.STACK_DATA_DIR:=~/.stack/distributions/starter}';

/**
 * The starter run config, in the reference format. Each inference provider is switched on by
 * the same environment variable as in the reference starter distribution.
 */
export const starterRunConfig = {
  version: 2,
  image_name: 'starter',
  apis: ['inference', 'models', 'inspect', 'providers', 'files', 'vector_io', 'tool_runtime', 'tool_groups'],
  providers: {
    inference: [
      {
        provider_id: '${env.OLLAMA_URL:+ollama}',
        provider_type: 'remote::ollama',
        config: { url: '${env.OLLAMA_URL:=http://localhost:11434}' },
      },
      {
        provider_id: '${env.VLLM_URL:+vllm}',
        provider_type: 'remote::vllm',
        config: {
          url: '${env.VLLM_URL:=}',
          max_tokens: '${env.VLLM_MAX_TOKENS:=4096}',
          api_token: '${env.VLLM_API_TOKEN:=fake}',
          tls_verify: '${env.VLLM_TLS_VERIFY:=true}',
        },
      },
      {
        provider_id: '${env.OPENAI_API_KEY:+openai}',
        provider_type: 'remote::openai',
        config: {
          api_key: '${env.OPENAI_API_KEY:=}',
          base_url: '${env.OPENAI_BASE_URL:=https://api.openai.com/v1}',
        },
      },
      {
        // Embeddings and reranking in process, with no network and no model server.
        provider_id: 'local-embeddings',
        provider_type: 'inline::local-embeddings',
        config: {},
      },
    ],
    vector_io: [
      {
        provider_id: 'sqlite-vec',
        provider_type: 'inline::sqlite-vec',
        config: {
          db_path: `${dataDir}/sqlite_vec.db`,
          persistence: { namespace: 'vector_io::sqlite_vec', backend: 'kv_default' },
        },
      },
      {
        provider_id: 'faiss',
        provider_type: 'inline::faiss',
        config: { persistence: { namespace: 'vector_io::faiss', backend: 'kv_default' } },
      },
      {
        provider_id: '${env.PGVECTOR_DB:+pgvector}',
        provider_type: 'remote::pgvector',
        config: {
          host: '${env.PGVECTOR_HOST:=localhost}',
          port: '${env.PGVECTOR_PORT:=5432}',
          db: '${env.PGVECTOR_DB:=}',
          user: '${env.PGVECTOR_USER:=}',
          password: '${env.PGVECTOR_PASSWORD:=}',
          persistence: { namespace: 'vector_io::pgvector', backend: 'kv_default' },
        },
      },
    ],
    files: [
      {
        provider_id: 'meta-reference-files',
        provider_type: 'inline::localfs',
        config: {
          storage_dir: `${dataDir}/files`,
          metadata_store: { table_name: 'files_metadata', backend: 'sql_default' },
        },
      },
    ],
    tool_runtime: [{ provider_id: 'rag-runtime', provider_type: 'inline::rag-runtime', config: {} }],
  },
  storage: {
    backends: {
      kv_default: { type: 'kv_sqlite', db_path: `${dataDir}/kvstore.db` },
      sql_default: { type: 'sql_sqlite', db_path: `${dataDir}/sql_store.db` },
    },
    stores: {
      metadata: { namespace: 'registry', backend: 'kv_default' },
      inference: { table_name: 'inference_store', backend: 'sql_default', max_write_queue_size: 10000, num_writers: 4 },
      conversations: { table_name: 'openai_conversations', backend: 'sql_default' },
      prompts: { namespace: 'prompts', backend: 'kv_default' },
    },
  },
  registered_resources: {
    models: [],
    tool_groups: [{ toolgroup_id: 'builtin::rag', provider_id: 'rag-runtime' }],
  },
  server: { port: '${env.STACK_PORT:=8321}' },
  vector_stores: {
    default_provider_id: '${env.STACK_VECTOR_IO_PROVIDER:=sqlite-vec}',
    default_embedding_model: { provider_id: 'local-embeddings', model_id: 'universal-sentence-encoder' },
  },
};

export const starterDistribution: Distribution = {
  name: 'starter',
  description:
    'SQLite storage, sqlite-vec vector stores and local files in STACK_DATA_DIR; offline embeddings and reranking; chat through Ollama, vLLM or OpenAI, switched on by OLLAMA_URL, VLLM_URL or OPENAI_API_KEY; pgvector with PGVECTOR_DB.',
  runConfig: starterRunConfig,
  providerSpecs: [ollama, vllm, openai, localEmbeddings, sqliteVec, faiss, pgvector, localFs, ragRuntime],
  startupAdvice(config: RunConfig): string[] {
    const generating = (config.providers.inference ?? []).filter((provider) => provider.provider_type !== 'inline::local-embeddings');
    if (generating.length > 0) return [];
    return [
      'No chat model provider is switched on (embeddings and reranking work offline). To add one, restart with one of:',
      '  OLLAMA_URL=http://localhost:11434   (an Ollama server)',
      '  VLLM_URL=http://localhost:8000/v1   (a vLLM server)',
      '  OPENAI_API_KEY=sk-...               (OpenAI, or OPENAI_BASE_URL for any OpenAI-compatible API)',
    ];
  },
};

export default starterDistribution;
