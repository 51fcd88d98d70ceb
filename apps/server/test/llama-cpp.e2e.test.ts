import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@stack/core';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain .mjs script in tools/, without type declarations
import { writeTinyGguf } from '../../../tools/generate-tiny-gguf.mjs';
import { startServer, type StartedServer } from '../src/start-server.js';

let server: StartedServer;
let client: OpenAI;

beforeAll(async () => {
  const directory = await mkdtemp(join(tmpdir(), 'stack-llama-cpp-'));
  const modelPath = join(directory, 'tiny.gguf');
  writeTinyGguf(modelPath);
  const config = join(directory, 'run.yaml');
  await writeFile(
    config,
    [
      'version: 2',
      'providers:',
      '  inference:',
      '  - provider_id: llama-cpp',
      '    provider_type: inline::llama-cpp',
      '    config:',
      '      threads: 1',
      '      models:',
      '      - model_id: tiny',
      `        path: \${env.TINY_MODEL_PATH}`,
      '      - model_id: tiny-embed',
      `        path: \${env.TINY_MODEL_PATH}`,
      '        model_type: embedding',
      'storage:',
      '  backends:',
      '    kv_default: {type: kv_sqlite, db_path: ./kv.db}',
      '    sql_default: {type: sql_sqlite, db_path: ./sql.db}',
      '  stores:',
      '    metadata: {backend: kv_default, namespace: registry}',
      '    inference: {backend: sql_default, table_name: inference_store}',
      '',
    ].join('\n'),
  );
  server = await startServer({ config, port: 0, host: '127.0.0.1', logger: silentLogger, environment: { TINY_MODEL_PATH: modelPath } });
  client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 });
});
afterAll(async () => {
  await server?.close();
});

describe('the openai client against a GGUF model served by llama.cpp in process', () => {
  it('lists the configured models with their types', async () => {
    const models = await client.models.list();
    const byId = Object.fromEntries(models.data.map((model) => [model.id, (model as unknown as { custom_metadata: Record<string, unknown> }).custom_metadata]));
    expect(byId['llama-cpp/tiny']).toMatchObject({ model_type: 'llm' });
    expect(byId['llama-cpp/tiny-embed']).toMatchObject({ model_type: 'embedding', embedding_dimension: 64 });
  });

  it('answers a chat completion, and stores it', async () => {
    const completion = await client.chat.completions.create({ model: 'llama-cpp/tiny', messages: [{ role: 'user', content: 'Hello' }], max_tokens: 8, seed: 1 });
    expect(completion.choices[0]?.finish_reason).toMatch(/^(stop|length)$/);
    expect(completion.usage?.completion_tokens).toBeGreaterThan(0);
    expect(completion.usage?.completion_tokens).toBeLessThanOrEqual(8);
    await expect.poll(async () => (await client.chat.completions.list()).data.map((item) => item.id)).toContain(completion.id);
    const stored = await client.chat.completions.retrieve(completion.id);
    expect(stored.choices[0]?.message.content).toBe(completion.choices[0]?.message.content);
  });

  it('streams a chat completion with usage', async () => {
    const stream = await client.chat.completions.create({
      model: 'llama-cpp/tiny',
      messages: [{ role: 'user', content: 'Count' }],
      max_tokens: 6,
      stream: true,
      stream_options: { include_usage: true },
    });
    let chunks = 0;
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      chunks += 1;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(chunks).toBeGreaterThan(2);
    expect(usage?.completion_tokens).toBeGreaterThan(0);
  });

  it('holds to a json_schema response format', async () => {
    const completion = await client.chat.completions.create({
      model: 'llama-cpp/tiny',
      messages: [{ role: 'user', content: 'Describe a city.' }],
      seed: 3,
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'city',
          strict: true,
          schema: { type: 'object', properties: { name: { type: 'string' }, population: { type: 'integer' } }, required: ['name', 'population'], additionalProperties: false },
        },
      },
    });
    const parsed = JSON.parse(completion.choices[0]?.message.content ?? '') as Record<string, unknown>;
    expect(Object.keys(parsed).sort()).toEqual(['name', 'population']);
    expect(typeof parsed.name).toBe('string');
    expect(Number.isInteger(parsed.population)).toBe(true);
  });

  it('creates embeddings', async () => {
    const embeddings = await client.embeddings.create({ model: 'llama-cpp/tiny-embed', input: ['first text', 'second text'], encoding_format: 'float' });
    expect(embeddings.data.map((item) => item.embedding.length)).toEqual([64, 64]);
    const again = await client.embeddings.create({ model: 'llama-cpp/tiny-embed', input: 'first text' });
    expect(again.data[0]?.embedding[0]).toBeCloseTo(embeddings.data[0]?.embedding[0] ?? NaN, 5);
  });
});
