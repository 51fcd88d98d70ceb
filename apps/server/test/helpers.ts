import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@stack/core';
import { startFakeOpenAIServer, type FakeOpenAIServer, type FakeOpenAIServerOptions } from '@stack/openai-compatible/testing';
import { startServer, type StartedServer } from '../src/start-server.js';

export interface TestDeployment {
  server: StartedServer;
  vllm: FakeOpenAIServer;
  ollama: FakeOpenAIServer;
  directory: string;
  close(): Promise<void>;
}

/**
 * A run.yaml in the reference format with a vLLM and an Ollama provider, each pointed at a local
 * server speaking that backend's wire format, served on an ephemeral port.
 */
export async function startTestDeployment(
  options: Pick<FakeOpenAIServerOptions, 'chunkDelayMs' | 'streamChunks' | 'streamFailure'> = {},
): Promise<TestDeployment> {
  const vllm = await startFakeOpenAIServer({ flavor: 'vllm', ...options });
  const ollama = await startFakeOpenAIServer({ flavor: 'ollama', chunkDelayMs: options.chunkDelayMs, streamChunks: options.streamChunks });
  const directory = await mkdtemp(join(tmpdir(), 'stack-e2e-'));
  const configPath = join(directory, 'run.yaml');
  await writeFile(
    configPath,
    `version: 2
image_name: e2e
apis:
- inference
providers:
  inference:
  - provider_id: \${env.TEST_VLLM_URL:+vllm}
    provider_type: remote::vllm
    config:
      url: \${env.TEST_VLLM_URL}
      max_tokens: \${env.VLLM_MAX_TOKENS:=256}
      api_token: \${env.VLLM_API_TOKEN:=fake}
  - provider_id: \${env.TEST_OLLAMA_URL:+ollama}
    provider_type: remote::ollama
    config:
      url: \${env.TEST_OLLAMA_URL}
  - provider_id: \${env.TGI_URL:+tgi}
    provider_type: remote::tgi
    config:
      url: \${env.TGI_URL}
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
  models:
  - model_id: chat-default
    provider_id: vllm
    provider_model_id: meta-llama/Llama-3.2-3B-Instruct
    model_type: llm
server:
  port: 8321
`,
  );
  const server = await startServer({
    config: configPath,
    port: 0,
    host: '127.0.0.1',
    logger: silentLogger,
    environment: { TEST_VLLM_URL: vllm.baseURL, TEST_OLLAMA_URL: ollama.url, TEST_DATA_DIR: directory },
  });
  return {
    server,
    vllm,
    ollama,
    directory,
    async close() {
      await server.close();
      await Promise.all([vllm.close(), ollama.close()]);
    },
  };
}
