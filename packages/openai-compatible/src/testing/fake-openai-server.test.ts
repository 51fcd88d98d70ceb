import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeEmbeddingBase64, embeddingFor } from './fake-generation.js';
import { startFakeOpenAIServer, type FakeOpenAIServer } from './fake-openai-server.js';

// The fake is checked with the official client: if it parses our frames and errors, so will it
// parse a real server's.
let server: FakeOpenAIServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

function clientFor(fake: FakeOpenAIServer, apiKey = 'test-key') {
  return new OpenAI({ apiKey, baseURL: fake.baseURL, maxRetries: 0, organization: null, project: null });
}

describe('startFakeOpenAIServer', () => {
  it('lists vLLM-style models', async () => {
    server = await startFakeOpenAIServer();
    const page = await clientFor(server).models.list();
    expect(page.data.map((model) => model.id)).toEqual(['meta-llama/Llama-3.2-3B-Instruct', 'nomic-ai/nomic-embed-text-v1.5']);
    expect(page.data[0]).toMatchObject({ object: 'model', owned_by: 'vllm', root: 'meta-llama/Llama-3.2-3B-Instruct', max_model_len: 131072 });
  });

  it('answers a chat completion with text derived from the last user message', async () => {
    server = await startFakeOpenAIServer();
    const completion = await clientFor(server).chat.completions.create({
      model: 'meta-llama/Llama-3.2-3B-Instruct',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: [{ type: 'text', text: 'Hello there' }] },
      ],
    });
    expect(completion.choices[0].message.content).toBe('Echo: Hello there');
    expect(completion.choices[0].finish_reason).toBe('stop');
    expect(completion.usage).toEqual({ prompt_tokens: 6, completion_tokens: 3, total_tokens: 9 });
  });

  it('truncates at max_tokens with finish_reason length', async () => {
    server = await startFakeOpenAIServer();
    const completion = await clientFor(server).chat.completions.create({
      model: 'meta-llama/Llama-3.2-3B-Instruct',
      messages: [{ role: 'user', content: 'one two three four' }],
      max_tokens: 2,
    });
    expect(completion.choices[0]).toMatchObject({ finish_reason: 'length', message: { content: 'Echo: one ' } });
  });

  it('streams the configured number of content chunks, a usage chunk and [DONE]', async () => {
    server = await startFakeOpenAIServer({ streamChunks: 7 });
    const stream = await clientFor(server).chat.completions.create({
      model: 'meta-llama/Llama-3.2-3B-Instruct',
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    const contents = chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.delta.content ?? ''));
    expect(chunks[0].choices[0].delta.role).toBe('assistant');
    expect(contents.filter((content) => content.length > 0)).toHaveLength(7);
    expect(contents.join('').startsWith('Echo: Hi ')).toBe(true);
    expect(chunks.at(-2)?.choices[0].finish_reason).toBe('stop');
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { completion_tokens: 7 } });
    expect(server.streams).toEqual({ opened: 1, completed: 1, aborted: 0 });
  });

  it('calls a tool when tool_choice is required, streamed and not', async () => {
    server = await startFakeOpenAIServer();
    const client = clientFor(server);
    const tools = [
      {
        type: 'function' as const,
        function: {
          name: 'get_weather',
          parameters: { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer' } }, required: ['city'] },
        },
      },
    ];
    const messages = [{ role: 'user' as const, content: 'Paris' }];
    const completion = await client.chat.completions.create({
      model: 'meta-llama/Llama-3.2-3B-Instruct',
      messages,
      tools,
      tool_choice: 'required',
    });
    expect(completion.choices[0].finish_reason).toBe('tool_calls');
    const call = completion.choices[0].message.tool_calls?.[0];
    expect(call?.type === 'function' && call.function).toEqual({ name: 'get_weather', arguments: '{"city":"Paris","days":1}' });

    const stream = await client.chat.completions.create({
      model: 'meta-llama/Llama-3.2-3B-Instruct',
      messages,
      tools,
      tool_choice: 'required',
      stream: true,
    });
    let argumentsText = '';
    let name: string | undefined;
    for await (const chunk of stream) {
      for (const toolCall of chunk.choices[0]?.delta.tool_calls ?? []) {
        name ??= toolCall.function?.name;
        argumentsText += toolCall.function?.arguments ?? '';
      }
    }
    expect(name).toBe('get_weather');
    expect(JSON.parse(argumentsText)).toEqual({ city: 'Paris', days: 1 });
  });

  it('answers text completions, plain and streamed', async () => {
    server = await startFakeOpenAIServer({ streamChunks: 3 });
    const client = clientFor(server);
    const completion = await client.completions.create({ model: 'meta-llama/Llama-3.2-3B-Instruct', prompt: 'Once upon' });
    expect(completion.choices[0].text).toBe('Echo: Once upon');
    const stream = await client.completions.create({ model: 'meta-llama/Llama-3.2-3B-Instruct', prompt: 'Once upon', stream: true });
    const texts: string[] = [];
    for await (const chunk of stream) texts.push(...chunk.choices.map((choice) => choice.text));
    expect(texts.join('')).toBe('Echo: Once upon');
    expect(texts.filter((text) => text.length > 0)).toHaveLength(3);
  });

  it('embeds deterministically in float and base64', async () => {
    server = await startFakeOpenAIServer();
    const client = clientFor(server);
    const float = await client.embeddings.create({ model: 'nomic-ai/nomic-embed-text-v1.5', input: ['a cat', 'a dog'], encoding_format: 'float' });
    expect(float.data).toHaveLength(2);
    expect(float.data[0].embedding).toHaveLength(768);
    expect(float.data[0].embedding).toEqual(embeddingFor('a cat', 768));
    expect(float.data[0].embedding).not.toEqual(float.data[1].embedding);
    const norm = Math.hypot(...float.data[0].embedding);
    expect(norm).toBeCloseTo(1, 5);

    // The official client asks for base64 by default and decodes it.
    const decoded = await client.embeddings.create({ model: 'nomic-ai/nomic-embed-text-v1.5', input: 'a cat' });
    expect(server.lastRequest('/v1/embeddings')?.body.encoding_format).toBe('base64');
    expect(decoded.data[0].embedding).toEqual(float.data[0].embedding);
    expect(decodeEmbeddingBase64(Buffer.from(Float32Array.from(float.data[0].embedding).buffer).toString('base64'))).toEqual(float.data[0].embedding);
  });

  it('answers errors in the OpenAI envelope', async () => {
    server = await startFakeOpenAIServer({ apiKey: 'right-key' });
    await expect(clientFor(server, 'wrong-key').models.list()).rejects.toMatchObject({ status: 401, code: 'invalid_api_key' });
    const client = clientFor(server, 'right-key');
    await expect(client.chat.completions.create({ model: 'nope', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({
      status: 404,
      message: expect.stringContaining('The model `nope` does not exist.'),
    });
    await expect(client.chat.completions.create({ model: 'meta-llama/Llama-3.2-3B-Instruct', messages: [] })).rejects.toMatchObject({
      status: 400,
      param: 'messages',
    });
    server.failNext({ status: 503, message: 'Overloaded', times: 2 });
    await expect(client.models.list()).rejects.toMatchObject({ status: 503 });
    await expect(client.models.list()).rejects.toMatchObject({ status: 503 });
    await expect(client.models.list()).resolves.toBeDefined();
  });

  it('records requests with headers and parsed bodies', async () => {
    server = await startFakeOpenAIServer();
    await clientFor(server, 'abc').chat.completions.create({
      model: 'meta-llama/Llama-3.2-3B-Instruct',
      messages: [{ role: 'user', content: 'x' }],
      // @ts-expect-error a vLLM-only sampling field
      top_k: 5,
    });
    const recorded = server.lastRequest('/v1/chat/completions');
    expect(recorded?.method).toBe('POST');
    expect(recorded?.headers.authorization).toBe('Bearer abc');
    expect(recorded?.body).toMatchObject({ top_k: 5 });
  });

  it('counts a stream the client leaves early as aborted', async () => {
    server = await startFakeOpenAIServer({ streamChunks: 50, chunkDelayMs: 20 });
    const fake = server;
    const stream = await clientFor(fake).chat.completions.create({
      model: 'meta-llama/Llama-3.2-3B-Instruct',
      messages: [{ role: 'user', content: 'x' }],
      stream: true,
    });
    for await (const _chunk of stream) break;
    await expect.poll(() => fake.streams.aborted).toBe(1);
    expect(fake.streams.completed).toBe(0);
    expect(fake.openStreams).toBe(0);
  });

  it('serves Ollama native endpoints in the ollama flavor', async () => {
    server = await startFakeOpenAIServer({ flavor: 'ollama' });
    const tags = (await (await fetch(`${server.url}/api/tags`)).json()) as { models: Array<{ name: string; digest: string }> };
    expect(tags.models.map((model) => model.name)).toEqual(['llama3.2:3b', 'nomic-embed-text:latest']);
    expect(tags.models[0].digest).toMatch(/^[0-9a-f]{64}$/);
    const show = async (model: string) => fetch(`${server!.url}/api/show`, { method: 'POST', body: JSON.stringify({ model }) });
    const embedding = (await (await show('nomic-embed-text')).json()) as Record<string, any>;
    expect(embedding.capabilities).toEqual(['embedding']);
    expect(embedding.model_info['nomic-bert.embedding_length']).toBe(768);
    expect(embedding.model_info['nomic-bert.context_length']).toBe(2048);
    const llm = (await (await show('llama3.2:3b')).json()) as Record<string, any>;
    expect(llm.capabilities).toEqual(['completion', 'tools']);
    expect(llm.model_info['llama.context_length']).toBe(131072);
    const missing = await show('nope');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: "model 'nope' not found" });
    expect(await (await fetch(`${server.url}/api/version`)).json()).toEqual({ version: '0.12.6' });
    const models = await clientFor(server).models.list();
    expect(models.data[0]).toEqual({ id: 'llama3.2:3b', object: 'model', created: expect.any(Number), owned_by: 'library' });
  });
});
