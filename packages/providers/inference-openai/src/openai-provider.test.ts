import {
  AuthenticationError,
  createRequestContext,
  NotFoundError,
  RateLimitError,
  UpstreamError,
  type RequestContext,
} from '@stack/core';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest, Completion, EmbeddingsResponse } from '@stack/inference-api';
import type { OpenAICompatibleProvider } from '@stack/openai-compatible';
import { collect as collectStream, cleanupAfterEach } from '@stack/inference-api/testing';
import { startFakeOpenAIServer, unusedPort, type FakeOpenAIServerOptions } from '@stack/openai-compatible/testing';
import { describe, expect, it } from 'vitest';
import recordedModels from './__fixtures__/openai-models.json' with { type: 'json' };
import { openaiConfigSchema, providerSpec } from './index.js';
import { providerTestDependencies } from '@stack/core/testing';

const deps = providerTestDependencies('openai');
const key = 'sk-proj-test-0123456789';

const cleanups = cleanupAfterEach();

async function createFromRunConfig(block: Record<string, unknown>): Promise<OpenAICompatibleProvider> {
  const provider = (await providerSpec.create(providerSpec.configSchema.parse(block), deps)) as OpenAICompatibleProvider;
  cleanups.push(() => provider.close());
  return provider;
}

async function setup(serverOptions: FakeOpenAIServerOptions = {}, config: Record<string, unknown> = {}) {
  const server = await startFakeOpenAIServer({ flavor: 'openai', apiKey: key, ...serverOptions });
  cleanups.push(() => server.close());
  const provider = await createFromRunConfig({ api_key: key, base_url: server.baseURL, ...config });
  return { server, provider };
}

const context = (partial: Partial<RequestContext> = {}) => createRequestContext(partial);
const chat = (extra: Record<string, unknown> = {}) =>
  ({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hi' }], ...extra }) as ChatCompletionRequest;

const collect = <T>(value: unknown): Promise<T[]> => collectStream(value as AsyncIterable<T>);

describe('remote::openai', () => {
  it('reads the reference config; an empty key is no key', () => {
    expect(openaiConfigSchema.parse({ api_key: '', base_url: '' })).toEqual({
      api_key: undefined,
      base_url: 'https://api.openai.com/v1',
      refresh_models: false,
    });
  });

  it('lists models, giving embedding models their dimensions', async () => {
    const { provider } = await setup({ modelsResponse: recordedModels });
    const models = await provider.listModels();
    expect(models.filter((model) => model.model_type === 'embedding')).toEqual([
      { provider_resource_id: 'text-embedding-3-small', model_type: 'embedding', metadata: { embedding_dimension: 1536, context_length: 8192 } },
      { provider_resource_id: 'text-embedding-3-large', model_type: 'embedding', metadata: { embedding_dimension: 3072, context_length: 8192 } },
      { provider_resource_id: 'text-embedding-ada-002', model_type: 'embedding', metadata: { embedding_dimension: 1536, context_length: 8192 } },
    ]);
    expect(models.filter((model) => model.model_type === 'llm').map((model) => model.provider_resource_id)).toEqual([
      'gpt-4o-mini',
      'gpt-4o',
      'o3-mini',
      'whisper-1',
    ]);
  });

  it('sends chat with the key, renaming max_tokens and keeping OpenAI-only fields', async () => {
    const { provider, server } = await setup();
    const completion = (await provider.chatCompletion(
      chat({ max_tokens: 50, reasoning_effort: 'low', service_tier: 'flex', metadata: { run: '1' } }),
      context(),
    )) as ChatCompletion;
    expect(completion.choices[0].message.content).toBe('Echo: Say hi');
    const recorded = server.lastRequest('/v1/chat/completions');
    expect(recorded?.headers.authorization).toBe(`Bearer ${key}`);
    expect(recorded?.body).toEqual({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Say hi' }],
      max_completion_tokens: 50,
      reasoning_effort: 'low',
      service_tier: 'flex',
      metadata: { run: '1' },
    });
  });

  it('streams chunks as they arrive', async () => {
    const { provider, server } = await setup({ streamChunks: 5, chunkDelayMs: 30 });
    const stream = await provider.chatCompletion(chat({ stream: true, stream_options: { include_usage: true } }), context());
    const iterator = (stream as AsyncIterable<ChatCompletionChunk>)[Symbol.asyncIterator]();
    expect((await iterator.next()).done).toBe(false);
    expect(server.streams.completed).toBe(0);
    const rest = await collect<ChatCompletionChunk>({ [Symbol.asyncIterator]: () => iterator });
    expect(rest.map((chunk) => chunk.choices[0]?.delta?.content ?? '').join('')).toMatch(/^Echo: Say hi/);
    expect(rest.at(-1)?.usage).toMatchObject({ completion_tokens: 5 });
  });

  it('answers completions and embeddings, forwarding dimensions', async () => {
    const { provider, server } = await setup({ models: [{ id: 'gpt-3.5-turbo-instruct' }, { id: 'text-embedding-3-large', type: 'embedding', embeddingDimension: 3072 }] });
    const completion = (await provider.completion({ model: 'gpt-3.5-turbo-instruct', prompt: 'Hello', max_tokens: 16 } as never, context())) as Completion;
    expect(completion.choices[0].text).toBe('Echo: Hello');
    expect(server.lastRequest()?.body).toEqual({ model: 'gpt-3.5-turbo-instruct', prompt: 'Hello', max_tokens: 16 });
    const embeddings = (await provider.embeddings({ model: 'text-embedding-3-large', input: 'Hello', dimensions: 256 } as never, context())) as EmbeddingsResponse;
    expect((embeddings.data[0].embedding as number[]).length).toBe(256);
  });

  it('uses openai_api_key from provider data over the configured key', async () => {
    const { provider, server } = await setup({ apiKey: 'sk-caller' });
    await provider.chatCompletion(chat(), context({ providerData: { openai_api_key: 'sk-caller' } }));
    expect(server.lastRequest()?.headers.authorization).toBe('Bearer sk-caller');
  });

  it('without any key fails with AuthenticationError naming openai_api_key, sending nothing', async () => {
    const { provider, server } = await setup({}, { api_key: '' });
    const error = await provider.chatCompletion(chat(), context()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as Error).message).toContain('{"openai_api_key": "<key>"}');
    expect(server.requests).toHaveLength(0);
    expect(await provider.health()).toMatchObject({ status: 'Error', message: expect.stringContaining('no API key') });
    // The same provider works for a caller who brings a key.
    await expect(provider.chatCompletion(chat(), context({ providerData: { openai_api_key: key } }))).resolves.toBeDefined();
  });

  it('maps OpenAI errors', async () => {
    const { provider, server } = await setup();
    const notFound = await provider.chatCompletion(chat({ model: 'gpt-9' }), context()).catch((caught: unknown) => caught);
    expect(notFound).toBeInstanceOf(NotFoundError);
    expect((notFound as NotFoundError).code).toBe('model_not_found');

    const rejected = await provider.chatCompletion(chat(), context({ providerData: { openai_api_key: 'sk-revoked-9999' } })).catch((caught: unknown) => caught);
    expect(rejected).toBeInstanceOf(AuthenticationError);
    expect((rejected as Error).message).not.toContain('sk-revoked');

    server.failNext({ status: 429, message: 'Rate limit reached for gpt-4o-mini on tokens per min (TPM).', type: 'tokens', code: 'rate_limit_exceeded', times: 3, retryAfterSeconds: 0 });
    await expect(provider.chatCompletion(chat(), context())).rejects.toBeInstanceOf(RateLimitError);
    server.failNext({ status: 503, message: 'The server is overloaded or not ready yet.', times: 3, retryAfterSeconds: 0 });
    await expect(provider.chatCompletion(chat(), context())).rejects.toMatchObject({ name: 'UpstreamError', upstreamStatus: 503 });

    const port = await unusedPort();
    const down = await createFromRunConfig({ api_key: key, base_url: `http://127.0.0.1:${port}/v1` });
    const unreachable = await down.embeddings({ model: 'text-embedding-3-small', input: 'x' } as never, context()).catch((caught: unknown) => caught);
    expect(unreachable).toBeInstanceOf(UpstreamError);
    expect((unreachable as Error).message).toContain("OpenAI provider 'openai'");
    expect((unreachable as Error).message).not.toContain(key);
  });

  it('closes the upstream stream when the caller aborts', async () => {
    const { provider, server } = await setup({ streamChunks: 200, chunkDelayMs: 10 });
    const controller = new AbortController();
    const stream = await provider.chatCompletion(chat({ stream: true }), context({ signal: controller.signal }));
    const consumed = (async () => {
      for await (const _chunk of stream as AsyncIterable<ChatCompletionChunk>) controller.abort();
    })();
    await expect(consumed).rejects.toMatchObject({ name: 'AbortError' });
    await expect.poll(() => server.streams.aborted).toBe(1);
  });
});
