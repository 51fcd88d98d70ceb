import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replyFor } from '@stack/openai-compatible/testing';
import { startTestDeployment, type TestDeployment } from './helpers.js';

const VLLM_MODEL = 'vllm/meta-llama/Llama-3.2-3B-Instruct';
const OLLAMA_MODEL = 'ollama/llama3.2:3b';
const OLLAMA_EMBEDDING = 'ollama/nomic-embed-text:latest';

let deployment: TestDeployment;
let client: OpenAI;

beforeAll(async () => {
  deployment = await startTestDeployment({ chunkDelayMs: 5, streamChunks: 4 });
  client = new OpenAI({ baseURL: `${deployment.server.url}/v1`, apiKey: 'unused', maxRetries: 0 });
});
afterAll(async () => {
  await deployment?.close();
});

describe('the openai client against a run.yaml with vllm and ollama', () => {
  it('lists the models discovered from both backends and the configured one', async () => {
    const models = await client.models.list();
    const ids = models.data.map((model) => model.id);
    expect(ids).toEqual(expect.arrayContaining([VLLM_MODEL, OLLAMA_MODEL, OLLAMA_EMBEDDING, 'chat-default']));
    const embedding = models.data.find((model) => model.id === OLLAMA_EMBEDDING) as unknown as { custom_metadata: Record<string, unknown> };
    expect(embedding.custom_metadata).toMatchObject({ model_type: 'embedding', embedding_dimension: 768, provider_id: 'ollama' });
    const retrieved = await client.models.retrieve(VLLM_MODEL);
    expect(retrieved.id ?? (retrieved as unknown as { identifier: string }).identifier).toBe(VLLM_MODEL);
  });

  it('gets a chat completion from each backend', async () => {
    for (const [model, upstream, upstreamModel] of [
      [VLLM_MODEL, deployment.vllm, 'meta-llama/Llama-3.2-3B-Instruct'],
      [OLLAMA_MODEL, deployment.ollama, 'llama3.2:3b'],
      ['chat-default', deployment.vllm, 'meta-llama/Llama-3.2-3B-Instruct'],
    ] as const) {
      const completion = await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'Name a colour.' }], temperature: 0.2 });
      expect(completion.choices[0]?.message.content).toBe(replyFor('Name a colour.'));
      expect(completion.usage?.total_tokens).toBeGreaterThan(0);
      const received = upstream.lastRequest('/v1/chat/completions');
      expect(received?.body).toMatchObject({ model: upstreamModel, temperature: 0.2 });
    }
    // vLLM's configured max_tokens applies to requests that set none.
    expect(deployment.vllm.lastRequest('/v1/chat/completions')?.body.max_tokens).toBe(256);
  });

  it('streams a chat completion chunk by chunk, with usage', async () => {
    const stream = await client.chat.completions.create({
      model: OLLAMA_MODEL,
      messages: [{ role: 'user', content: 'Tell me a story.' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let contentChunks = 0;
    let usage: OpenAI.CompletionUsage | undefined | null;
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta.content;
      if (delta) {
        text += delta;
        contentChunks += 1;
      }
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe(replyFor('Tell me a story.'));
    expect(contentChunks).toBeGreaterThan(1);
    expect(usage?.completion_tokens).toBeGreaterThan(0);
  });

  it('gets completions, plain and streamed', async () => {
    const completion = await client.completions.create({ model: VLLM_MODEL, prompt: 'Once upon a time', max_tokens: 16 });
    expect(completion.choices[0]?.text).toBe(replyFor('Once upon a time'));
    const stream = await client.completions.create({ model: VLLM_MODEL, prompt: 'Once upon a time', stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.text ?? '';
    expect(text).toBe(replyFor('Once upon a time'));
  });

  it('gets embeddings as floats and as base64', async () => {
    const floats = await client.embeddings.create({ model: OLLAMA_EMBEDDING, input: ['a cat', 'a dog'], encoding_format: 'float' });
    expect(floats.data).toHaveLength(2);
    expect(floats.data[0]?.embedding).toHaveLength(768);
    // The client asks for base64 by default and decodes it: the same vectors must come back.
    const decoded = await client.embeddings.create({ model: OLLAMA_EMBEDDING, input: ['a cat', 'a dog'] });
    expect(decoded.data[1]?.embedding[0]).toBeCloseTo(floats.data[1]?.embedding[0] ?? NaN, 5);
  });

  it('answers a malformed request with 400 naming the field', async () => {
    const error = await client.chat.completions
      .create({ model: VLLM_MODEL, messages: [{ role: 'wizard', content: 'hi' }] as never })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).status).toBe(400);
    expect((error as Error).message).toContain('messages[0].role');
    const badTemperature = await client.chat.completions
      .create({ model: VLLM_MODEL, messages: [{ role: 'user', content: 'hi' }], temperature: 7 })
      .catch((e: unknown) => e);
    expect((badTemperature as Error).message).toContain('temperature');
  });

  it('answers an unknown model with 404', async () => {
    const error = await client.chat.completions.create({ model: 'no/such-model', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect((error as Error).message).toContain('no/such-model');
    const retrieve = await client.models.retrieve('missing-model').catch((e: unknown) => e);
    expect(retrieve).toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('registers and unregisters a model through the deprecated routes', async () => {
    const registered = await fetch(`${deployment.server.url}/v1/models`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model_id: 'my-alias', provider_id: 'ollama', provider_model_id: 'llama3.2:3b' }),
    });
    expect(registered.status).toBe(200);
    expect(await registered.json()).toMatchObject({ identifier: 'my-alias', provider_id: 'ollama', provider_resource_id: 'llama3.2:3b', model_type: 'llm' });
    const reply = await client.chat.completions.create({ model: 'my-alias', messages: [{ role: 'user', content: 'Through the alias now' }] });
    expect(reply.choices[0]?.message.content).toBe(replyFor('Through the alias now'));
    const removed = await fetch(`${deployment.server.url}/v1/models/my-alias`, { method: 'DELETE' });
    expect(removed.status).toBe(200);
    await expect(client.models.retrieve('my-alias')).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    const invalid = await fetch(`${deployment.server.url}/v1/models`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model_id: 'x', model_type: 'chat' }) });
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as { error: { param: string } }).error.param).toBe('model_type');
  });

  it('lists and fetches stored chat completions', async () => {
    const created = await client.chat.completions.create({ model: VLLM_MODEL, messages: [{ role: 'user', content: 'Remember this one please' }] });
    await expect.poll(async () => (await client.chat.completions.list({ model: VLLM_MODEL })).data.map((item) => item.id)).toContain(created.id);
    const stored = await client.chat.completions.retrieve(created.id);
    expect(stored.choices[0]?.message.content).toBe(created.choices[0]?.message.content);
    const messages = await fetch(`${deployment.server.url}/v1/chat/completions/${created.id}`).then((response) => response.json() as Promise<{ input_messages: unknown[] }>);
    expect(messages.input_messages).toEqual([{ role: 'user', content: 'Remember this one please' }]);
    await expect(client.chat.completions.retrieve('chatcmpl-missing')).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('rejects provider data of the wrong type for the chosen provider', async () => {
    const error = await client.chat.completions
      .create({ model: VLLM_MODEL, messages: [{ role: 'user', content: 'hi' }] }, { headers: { 'X-LlamaStack-Provider-Data': JSON.stringify({ vllm_api_token: 12345 }) } })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as Error).message).toContain('vllm_api_token');
    expect((error as Error).message).not.toContain('12345');
  });

  it('serves the same under /v1/openai/v1', async () => {
    const aliased = new OpenAI({ baseURL: `${deployment.server.url}/v1/openai/v1`, apiKey: 'unused', maxRetries: 0 });
    const completion = await aliased.chat.completions.create({ model: VLLM_MODEL, messages: [{ role: 'user', content: 'Is the alias served?' }] });
    expect(completion.choices[0]?.message.content).toBe(replyFor('Is the alias served?'));
    expect((await aliased.models.list()).data.length).toBeGreaterThan(0);
  });

  it('cancels the upstream request when the client goes away mid-stream', async () => {
    const slow = await startTestDeployment({ chunkDelayMs: 200, streamChunks: 20 });
    try {
      const slowClient = new OpenAI({ baseURL: `${slow.server.url}/v1`, apiKey: 'unused', maxRetries: 0 });
      const controller = new AbortController();
      const stream = await slowClient.chat.completions.create(
        { model: VLLM_MODEL, messages: [{ role: 'user', content: 'long answer please' }], stream: true },
        { signal: controller.signal },
      );
      for await (const _chunk of stream) {
        controller.abort();
        break;
      }
      await expect.poll(() => slow.vllm.streams.aborted, { timeout: 3_000 }).toBe(1);
      expect(slow.vllm.streams.completed).toBe(0);
    } finally {
      await slow.close();
    }
  });

  it('reports an upstream failure in the middle of a stream as an error the client raises', async () => {
    for (const mode of ['error-event', 'disconnect'] as const) {
      const failing = await startTestDeployment({ streamChunks: 6, chunkDelayMs: 20, streamFailure: { afterChunks: 2, mode, message: 'GPU fell over' } });
      try {
        const failingClient = new OpenAI({ baseURL: `${failing.server.url}/v1`, apiKey: 'unused', maxRetries: 0 });
        const stream = await failingClient.chat.completions.create({ model: VLLM_MODEL, messages: [{ role: 'user', content: 'a b c d e f' }], stream: true });
        const received: string[] = [];
        const error = await (async () => {
          for await (const chunk of stream) received.push(chunk.choices[0]?.delta.content ?? '');
        })().catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(OpenAI.APIError);
        expect(received.length).toBe(2);
      } finally {
        await failing.close();
      }
    }
  });
});
