import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeOpenAIServer } from '@stack/openai-compatible/testing';
import { describe, expect, it } from 'vitest';
import { cliPath, runCli } from './cli-process.js';
import { spawn } from 'node:child_process';

describe('the stack CLI', () => {
  it('starts the starter distribution with no model server: embeddings work offline, and it says how to add chat', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'stack-starter-'));
    const started = await runCli(['run', 'starter', '--port', '0'], { STACK_DATA_DIR: dataDir, OLLAMA_URL: '', VLLM_URL: '', OPENAI_API_KEY: '' });
    try {
      await expect.poll(() => started.output()).toContain('OLLAMA_URL');
      const models = (await (await fetch(`${started.url}/v1/models`)).json()) as { data: Array<{ id: string }> };
      expect(models.data.map((model) => model.id).sort()).toEqual([
        'local-embeddings/universal-sentence-encoder',
        'local-embeddings/universal-sentence-encoder-rerank',
      ]);
      const embeddings = await fetch(`${started.url}/v1/embeddings`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'local-embeddings/universal-sentence-encoder', input: ['The cat sat on the mat', 'A kitten rested on the rug'] }),
      });
      expect(embeddings.status).toBe(200);
      const vectors = ((await embeddings.json()) as { data: Array<{ embedding: number[] }> }).data.map((item) => item.embedding);
      expect(vectors.map((vector) => vector.length)).toEqual([512, 512]);
      const reranked = await fetch(`${started.url}/v1alpha/inference/rerank`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'local-embeddings/universal-sentence-encoder-rerank',
          query: 'Where do kittens sleep?',
          items: ['Stock markets fell sharply today.', 'A kitten rested on the rug.', 'The recipe needs two eggs.'],
        }),
      });
      expect(reranked.status).toBe(200);
      expect(((await reranked.json()) as { data: Array<{ index: number }> }).data.map((item) => item.index)[0]).toBe(1);
      const chat = await fetch(`${started.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'anything', messages: [{ role: 'user', content: 'hi' }] }),
      });
      expect(chat.status).toBe(404);
    } finally {
      started.child.kill('SIGTERM');
      expect(await started.exited).toBe(0);
    }
  });

  it('serves a run.yaml and, on SIGTERM, finishes the stream in flight before exiting', async () => {
    const upstream = await startFakeOpenAIServer({ flavor: 'vllm', streamChunks: 6, chunkDelayMs: 150 });
    const directory = await mkdtemp(join(tmpdir(), 'stack-cli-'));
    const config = join(directory, 'run.yaml');
    await writeFile(
      config,
      [
        'version: 2',
        'providers:',
        '  inference:',
        '  - provider_id: vllm',
        '    provider_type: remote::vllm',
        '    config:',
        `      url: \${env.UPSTREAM_URL}`,
        'storage:',
        '  backends:',
        '    kv_default: {type: kv_sqlite, db_path: ./kv.db}',
        '  stores:',
        '    metadata: {backend: kv_default, namespace: registry}',
        '',
      ].join('\n'),
    );
    const started = await runCli(['run', config, '--port', '0'], { UPSTREAM_URL: upstream.baseURL });
    try {
      const response = await fetch(`${started.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'vllm/meta-llama/Llama-3.2-3B-Instruct', stream: true, messages: [{ role: 'user', content: 'one two three four five' }] }),
      });
      const reader = response.body!.getReader();
      await reader.read();
      started.child.kill('SIGTERM');
      let rest = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        rest += new TextDecoder().decode(value);
      }
      expect(rest).toContain('"finish_reason":"stop"');
      expect(await started.exited).toBe(0);
      expect(upstream.streams.completed).toBe(1);
      expect(started.output()).toContain('SIGTERM received');
    } finally {
      started.child.kill('SIGKILL');
      await upstream.close();
    }
  });

  it('names the file, the path and the known types for an unknown provider type', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'stack-cli-'));
    const config = join(directory, 'run.yaml');
    await writeFile(config, 'version: 2\nproviders:\n  inference:\n  - provider_id: x\n    provider_type: remote::nope\n');
    const child = spawn(process.execPath, [cliPath, 'run', config, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stderr.on('data', (data: Buffer) => (output += data.toString()));
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(output).toContain(`${config}: providers.inference[0].provider_type: unknown provider type 'remote::nope'`);
    expect(output).toMatch(/Known: remote::vllm, remote::ollama, remote::openai, .*inline::local-embeddings/);
  });
});
