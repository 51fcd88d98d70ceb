import type { Distribution, RunConfig } from '@stack/core';
import { providerSpec as localEmbeddings } from '@stack/inference-local-embeddings';
import { providerSpec as ollama } from '@stack/inference-ollama';
import { providerSpec as openai } from '@stack/inference-openai';
import { providerSpec as vllm } from '@stack/inference-vllm';

const dataDir = '${env.STACK_DATA_DIR:=~/.stack/distributions/starter}';

/**
 * The starter run config, in the reference format. Each inference provider is switched on by
 * the same environment variable as in the reference starter distribution.
 */
export const starterRunConfig = {
  version: 2,
  image_name: 'starter',
  apis: ['inference', 'models', 'inspect', 'providers'],
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
  registered_resources: { models: [] },
  server: { port: '${env.STACK_PORT:=8321}' },
  vector_stores: {
    default_embedding_model: { provider_id: 'local-embeddings', model_id: 'universal-sentence-encoder' },
  },
};

export const starterDistribution: Distribution = {
  name: 'starter',
  description:
    'SQLite storage in STACK_DATA_DIR; offline embeddings and reranking; chat through Ollama, vLLM or OpenAI, switched on by OLLAMA_URL, VLLM_URL or OPENAI_API_KEY.',
  runConfig: starterRunConfig,
  providerSpecs: [ollama, vllm, openai, localEmbeddings],
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
