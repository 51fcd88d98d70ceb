import { createRequestContext, NotFoundError, UpstreamError, type RequestContext } from '@stack/core';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest, Completion, EmbeddingsResponse } from '@stack/inference-api';
import type { OpenAICompatibleProvider } from '@stack/openai-compatible';
import { collect as collectStream, cleanupAfterEach } from '@stack/inference-api/testing';
import { startFakeOpenAIServer, unusedPort, type FakeOpenAIServerOptions } from '@stack/openai-compatible/testing';
import { describe, expect, it } from 'vitest';
import llamaShow from './__fixtures__/show-llama3.2-3b.json' with { type: 'json' };
import nomicShow from './__fixtures__/show-nomic-embed-text.json' with { type: 'json' };
import { createOllamaInferenceProvider, ollamaConfigSchema, providerSpec } from './index.js';
import { providerTestDependencies } from '@stack/core/testing';

const llm = 'llama3.2:3b';
const embedder = 'nomic-embed-text:latest';
const deps = providerTestDependencies('ollama');
const recordedShows = { [llm]: llamaShow, [embedder]: nomicShow };

const cleanups = cleanupAfterEach();

async function createFromRunConfig(block: Record<string, unknown>): Promise<OpenAICompatibleProvider> {
  const provider = (await providerSpec.create(providerSpec.configSchema.parse(block), deps)) as OpenAICompatibleProvider;
  cleanups.push(() => provider.close());
  return provider;
}

async function setup(serverOptions: FakeOpenAIServerOptions = {}, url?: (serverUrl: string) => string) {
  const server = await startFakeOpenAIServer({ flavor: 'ollama', ollamaShowResponses: recordedShows, ...serverOptions });
  cleanups.push(() => server.close());
  const provider = await createFromRunConfig({ url: url ? url(server.url) : server.url });
  return { server, provider };
}

const context = (partial: Partial<RequestContext> = {}) => createRequestContext(partial);
const chat = (extra: Record<string, unknown> = {}) =>
  ({ model: llm, messages: [{ role: 'user', content: 'Why is the sky blue?' }], ...extra }) as ChatCompletionRequest;

const collect = <T>(value: unknown): Promise<T[]> => collectStream(value as AsyncIterable<T>);

describe('remote::ollama', () => {
  it('reads the reference config: url defaults to localhost:11434', () => {
    expect(ollamaConfigSchema.parse({})).toEqual({ url: 'http://localhost:11434', refresh_models: false });
    expect(ollamaConfigSchema.parse({ url: '', refresh_models: 'true', keep_alive: '5m' })).toEqual({
      url: 'http://localhost:11434',
      refresh_models: true,
    });
  });

  it('lists models through /api/tags and classifies each with /api/show', async () => {
    const { provider, server } = await setup();
    expect(await provider.listModels()).toEqual([
      { provider_resource_id: llm, model_type: 'llm', metadata: { context_length: 131072 } },
      { provider_resource_id: embedder, model_type: 'embedding', metadata: { embedding_dimension: 768, context_length: 2048 } },
    ]);
    expect(server.requests.map((request) => `${request.method} ${request.path}`).sort()).toEqual([
      'GET /api/tags',
      'POST /api/show',
      'POST /api/show',
    ]);
    expect(server.requests.filter((request) => request.path === '/api/show').map((request) => request.body.model).sort()).toEqual([llm, embedder]);
  });

  it('classifies by name when /api/show fails for a model', async () => {
    const server = await startFakeOpenAIServer({
      flavor: 'ollama',
      models: [{ id: 'all-minilm:l6-v2', type: 'embedding', embeddingDimension: 384 }, { id: 'qwen3:8b' }],
    });
    cleanups.push(() => server.close());
    // A real socket, with /api/show answering 500 as Ollama does when a blob is missing.
    const failingShow: typeof fetch = async (input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      if (url.endsWith('/api/show')) return new Response(JSON.stringify({ error: 'open blob: no such file' }), { status: 500 });
      return fetch(input, init);
    };
    const provider = createOllamaInferenceProvider(ollamaConfigSchema.parse({ url: server.url }), { fetch: failingShow });
    cleanups.push(() => provider.close());
    expect(await provider.listModels()).toEqual([
      { provider_resource_id: 'all-minilm:l6-v2', model_type: 'embedding', metadata: { embedding_dimension: 384, context_length: 512 } },
      { provider_resource_id: 'qwen3:8b', model_type: 'llm', metadata: {} },
    ]);
  });

  it('sends chat to {url}/v1 without an Authorization header, also when url ends in /v1', async () => {
    for (const url of [(base: string) => base, (base: string) => `${base}/v1/`]) {
      const { provider, server } = await setup({}, url);
      const completion = (await provider.chatCompletion(chat({ keep_alive: '5m', options: { num_ctx: 4096 } }), context())) as ChatCompletion;
      expect(completion.choices[0].message.content).toBe('Echo: Why is the sky blue?');
      const recorded = server.lastRequest();
      expect(recorded?.path).toBe('/v1/chat/completions');
      expect(recorded?.headers).not.toHaveProperty('authorization');
      // No default max_tokens for Ollama; vendor fields pass through.
      expect(recorded?.body).toEqual({
        model: llm,
        messages: [{ role: 'user', content: 'Why is the sky blue?' }],
        keep_alive: '5m',
        options: { num_ctx: 4096 },
      });
    }
  });

  it('streams chat chunks as Ollama sends them, with usage when asked', async () => {
    const { provider, server } = await setup({ streamChunks: 4, firstChunkDelayMs: 10, chunkDelayMs: 30 });
    const stream = await provider.chatCompletion(chat({ stream: true, stream_options: { include_usage: true } }), context());
    const iterator = (stream as AsyncIterable<ChatCompletionChunk>)[Symbol.asyncIterator]();
    expect((await iterator.next()).done).toBe(false);
    expect(server.streams.completed).toBe(0);
    const rest = await collect<ChatCompletionChunk>({ [Symbol.asyncIterator]: () => iterator });
    expect(rest.at(-1)).toMatchObject({ choices: [], usage: { completion_tokens: 4 } });
    expect(server.streams).toEqual({ opened: 1, completed: 1, aborted: 0 });
  });

  it('answers completions and embeddings', async () => {
    const { provider } = await setup();
    const completion = (await provider.completion({ model: llm, prompt: 'The sky is' } as never, context())) as Completion;
    expect(completion.choices[0].text).toBe('Echo: The sky is');
    const embeddings = (await provider.embeddings({ model: embedder, input: 'sky' } as never, context())) as EmbeddingsResponse;
    expect((embeddings.data[0].embedding as number[]).length).toBe(768);
  });

  it('maps a model that is not pulled to NotFoundError with Ollama’s hint', async () => {
    const { provider } = await setup();
    const error = await provider.chatCompletion(chat({ model: 'mistral:7b' }), context()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as Error).message).toBe('model "mistral:7b" not found, try pulling it first');
  });

  it('maps server errors and a stopped Ollama to UpstreamError; health follows', async () => {
    const { provider, server } = await setup();
    expect(await provider.health()).toEqual({ status: 'OK' });
    expect(server.lastRequest()?.path).toBe('/api/version');
    server.failNext({ status: 500, message: 'llama runner process has terminated: signal: killed', times: 3, retryAfterSeconds: 0 });
    await expect(provider.chatCompletion(chat(), context())).rejects.toMatchObject({ name: 'UpstreamError', upstreamStatus: 500 });

    const port = await unusedPort();
    const down = await createFromRunConfig({ url: `http://127.0.0.1:${port}` });
    const error = await down.listModels().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as Error).message).toContain(`Ollama provider 'ollama' at http://127.0.0.1:${port}/v1 could not be reached`);
    const health = await down.health();
    expect(health.status).toBe('Error');
  });

  it('closes the stream to Ollama when the caller aborts', async () => {
    const { provider, server } = await setup({ streamChunks: 200, chunkDelayMs: 10 });
    const controller = new AbortController();
    const stream = await provider.chatCompletion(chat({ stream: true }), context({ signal: controller.signal }));
    const consumed = (async () => {
      let count = 0;
      for await (const _chunk of stream as AsyncIterable<ChatCompletionChunk>) if (++count === 2) controller.abort();
    })();
    await expect(consumed).rejects.toMatchObject({ name: 'AbortError' });
    await expect.poll(() => server.streams.aborted).toBe(1);
  });
});
