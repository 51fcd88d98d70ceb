import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChatCompletion, Completion, EmbeddingsResponse } from '@stack/inference-api';
import { serve } from '@stack/http';
import { providerSpec as ollama } from '@stack/inference-ollama';
import { providerSpec as vllm } from '@stack/inference-vllm';
import { startFakeOpenAIServer, type FakeOpenAIServer } from '@stack/openai-compatible/testing';
import { createStack, type Stack } from '@stack/stack';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let vllmUpstream: FakeOpenAIServer;
let ollamaUpstream: FakeOpenAIServer;
let stack: Stack;

beforeAll(async () => {
  vllmUpstream = await startFakeOpenAIServer({ flavor: 'vllm' });
  ollamaUpstream = await startFakeOpenAIServer({ flavor: 'ollama' });
  const directory = await mkdtemp(join(tmpdir(), 'stack-compose-'));
  // The same providers a run.yaml would name, imported as packages and composed in code.
  stack = await createStack({
    providers: {
      inference: [
        { providerId: 'vllm', spec: vllm, config: { url: vllmUpstream.baseURL } },
        { providerId: 'ollama', spec: ollama, config: { url: ollamaUpstream.url } },
      ],
    },
    storage: {
      backends: { kv_default: { type: 'kv_sqlite', db_path: join(directory, 'kv.db') } },
      stores: { metadata: { backend: 'kv_default', namespace: 'registry' } },
    },
    registeredResources: { models: [{ model_id: 'fast', provider_id: 'vllm', provider_model_id: 'meta-llama/Llama-3.2-3B-Instruct' }] },
  });
});
afterAll(async () => {
  await stack?.close();
  await Promise.all([vllmUpstream?.close(), ollamaUpstream?.close()]);
});

const chat = { model: 'fast', messages: [{ role: 'user' as const, content: 'What is a stack?' }] };

describe('a distribution composed in code', () => {
  it('answers in process exactly as it answers over HTTP', async () => {
    const inProcess = (await stack.inference.chatCompletion(chat)) as ChatCompletion;
    const server = await serve(stack, { port: 0, closeStack: false });
    try {
      const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 });
      const overHttp = await client.chat.completions.create(chat);
      expect(overHttp.choices).toEqual(inProcess.choices);
      expect(overHttp.model).toBe(inProcess.model);

      const listedInProcess = await stack.models.listModels();
      const listedOverHttp = await client.models.list();
      expect(listedOverHttp.data.map((model) => model.id).sort()).toEqual(listedInProcess.data.map((model) => model.id).sort());
    } finally {
      await server.close();
    }
  });

  it('answers chat, streaming, completions and embeddings in process', async () => {
    const stream = await stack.inference.chatCompletion({ ...chat, model: 'ollama/llama3.2:3b', stream: true });
    let text = '';
    for await (const chunk of stream as AsyncIterable<{ choices: Array<{ delta: { content?: string | null } }> }>) {
      text += chunk.choices[0]?.delta.content ?? '';
    }
    expect(text.length).toBeGreaterThan(0);
    expect(text).toBe(((await stack.inference.chatCompletion({ ...chat, model: 'ollama/llama3.2:3b' })) as ChatCompletion).choices[0]?.message.content);

    const completion = (await stack.inference.completion({ model: 'vllm/meta-llama/Llama-3.2-3B-Instruct', prompt: 'Hello' })) as Completion;
    expect(completion.choices[0]?.text.length).toBeGreaterThan(0);

    const embeddings: EmbeddingsResponse = await stack.inference.embeddings({ model: 'ollama/nomic-embed-text:latest', input: 'hello' });
    expect((embeddings.data[0]?.embedding as number[]).length).toBe(768);
    expect(await stack.models.getModel('ollama/nomic-embed-text:latest')).toMatchObject({ model_type: 'embedding', metadata: { embedding_dimension: 768 } });
  });
});
