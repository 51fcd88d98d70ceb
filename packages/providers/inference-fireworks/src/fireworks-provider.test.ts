import {
  AuthenticationError,
  createRequestContext,
  NotFoundError,
  RateLimitError,
  type RequestContext,
} from '@stack/core';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest, Completion, EmbeddingsResponse } from '@stack/inference-api';
import { collect, cleanupAfterEach } from '@stack/inference-api/testing';
import type { OpenAICompatibleProvider } from '@stack/openai-compatible';
import { startFakeOpenAIServer, type FakeOpenAIServerOptions } from '@stack/openai-compatible/testing';
import { describe, expect, it } from 'vitest';
import recordedModels from './__fixtures__/fireworks-models.json' with { type: 'json' };
import { fireworksConfigSchema, providerSpec } from './index.js';
import { providerTestDependencies } from '@stack/core/testing';

const deps = providerTestDependencies('fireworks');
const key = 'fw_3ZTestKey0123456789abcdef';
const chatModel = 'accounts/fireworks/models/llama-v3p3-70b-instruct';
const embeddingModel = 'nomic-ai/nomic-embed-text-v1.5';
const servedModels: FakeOpenAIServerOptions['models'] = [
  { id: chatModel },
  { id: embeddingModel, type: 'embedding', embeddingDimension: 768 },
];

const cleanups = cleanupAfterEach();

async function setup(serverOptions: FakeOpenAIServerOptions = {}, config: Record<string, unknown> = {}) {
  const server = await startFakeOpenAIServer({ flavor: 'openai', apiKey: key, models: servedModels, ...serverOptions });
  cleanups.push(() => server.close());
  const provider = (await providerSpec.create(fireworksConfigSchema.parse({ api_key: key, url: server.baseURL, ...config }), deps)) as OpenAICompatibleProvider;
  cleanups.push(() => provider.close());
  return { server, provider };
}

const context = (partial: Partial<RequestContext> = {}) => createRequestContext(partial);
const chat = (extra: Record<string, unknown> = {}) =>
  ({ model: chatModel, messages: [{ role: 'user', content: 'Say hi' }], ...extra }) as ChatCompletionRequest;

describe('remote::fireworks', () => {
  it('reads the reference config with its defaults', () => {
    expect(fireworksConfigSchema.parse({ api_key: '' })).toEqual({
      url: 'https://api.fireworks.ai/inference/v1',
      api_key: undefined,
      refresh_models: false,
    });
    expect(fireworksConfigSchema.parse({ url: 'https://gateway.example/inference/v1', api_key: 12345, refresh_models: 'True' })).toEqual({
      url: 'https://gateway.example/inference/v1',
      api_key: '12345',
      refresh_models: true,
    });
  });

  it('lists models with context lengths and the known embedding sizes', async () => {
    const { provider, server } = await setup({ modelsResponse: recordedModels });
    expect(await provider.listModels()).toEqual([
      { provider_resource_id: chatModel, model_type: 'llm', metadata: { context_length: 131072 } },
      { provider_resource_id: 'accounts/fireworks/models/llama-v3p1-8b-instruct', model_type: 'llm', metadata: { context_length: 131072 } },
      {
        provider_resource_id: 'accounts/fireworks/models/qwen3-embedding-8b',
        model_type: 'embedding',
        metadata: { embedding_dimension: 4096, context_length: 40960 },
      },
      { provider_resource_id: embeddingModel, model_type: 'embedding', metadata: { embedding_dimension: 768, context_length: 8192 } },
      { provider_resource_id: 'accounts/fireworks/models/llama4-maverick-instruct-basic', model_type: 'llm', metadata: { context_length: 1048576 } },
    ]);
    expect(server.lastRequest('/v1/models')?.headers.authorization).toBe(`Bearer ${key}`);
  });

  it('probes the size of an embedding model it does not know', async () => {
    const id = 'accounts/fireworks/models/qwen3-embedding-0p6b';
    const { provider } = await setup({
      models: [{ id, type: 'embedding', embeddingDimension: 1024 }],
      modelsResponse: { object: 'list', data: [{ id, object: 'model', owned_by: 'fireworks', created: 1749081600, context_length: 32768 }] },
    });
    expect(await provider.listModels()).toEqual([{ provider_resource_id: id, model_type: 'embedding', metadata: { context_length: 32768, embedding_dimension: 1024 } }]);
  });

  it('sends chat with the bearer key, Fireworks-only fields untouched', async () => {
    const { provider, server } = await setup();
    const completion = (await provider.chatCompletion(chat({ max_tokens: 32, context_length_exceeded_behavior: 'error', top_k: 40 }), context())) as ChatCompletion;
    expect(completion.choices[0].message.content).toBe('Echo: Say hi');
    const recorded = server.lastRequest('/v1/chat/completions');
    expect(recorded?.headers.authorization).toBe(`Bearer ${key}`);
    expect(recorded?.body).toEqual({
      model: chatModel,
      messages: [{ role: 'user', content: 'Say hi' }],
      max_tokens: 32,
      context_length_exceeded_behavior: 'error',
      top_k: 40,
    });
  });

  it('streams chat, answers completions and embeddings', async () => {
    const { provider, server } = await setup({ streamChunks: 3 });
    const stream = await provider.chatCompletion(chat({ stream: true, stream_options: { include_usage: true } }), context());
    const chunks = await collect(stream as AsyncIterable<ChatCompletionChunk>);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta?.content ?? '').join('')).toMatch(/^Echo: Say hi/);
    expect(chunks.at(-1)?.usage).toMatchObject({ completion_tokens: 3 });

    const completion = (await provider.completion({ model: chatModel, prompt: 'The quick brown fox', max_tokens: 8 } as never, context())) as Completion;
    expect(completion.choices[0].text).toMatch(/^Echo: The quick brown fox/);
    expect(server.lastRequest('/v1/completions')?.body).toEqual({ model: chatModel, prompt: 'The quick brown fox', max_tokens: 8 });

    const embeddings = (await provider.embeddings({ model: embeddingModel, input: ['a', 'b'], dimensions: 256 } as never, context())) as EmbeddingsResponse;
    expect(embeddings.data.map((item) => (item.embedding as number[]).length)).toEqual([256, 256]);
    expect(server.lastRequest('/v1/embeddings')?.body).toEqual({ model: embeddingModel, input: ['a', 'b'], dimensions: 256 });
  });

  it('prefers fireworks_api_key from provider data, and without any key fails before sending', async () => {
    const { provider, server } = await setup({ apiKey: 'fw_caller' }, { api_key: '' });
    const missing = await provider.chatCompletion(chat(), context()).catch((caught: unknown) => caught);
    expect(missing).toBeInstanceOf(AuthenticationError);
    expect((missing as Error).message).toContain('{"fireworks_api_key": "<key>"}');
    expect(server.requests).toHaveLength(0);
    await provider.chatCompletion(chat(), context({ providerData: { fireworks_api_key: 'fw_caller' } }));
    expect(server.lastRequest()?.headers.authorization).toBe('Bearer fw_caller');
  });

  it('maps Fireworks errors into the closed set', async () => {
    const { provider, server } = await setup();
    await expect(provider.chatCompletion(chat({ model: 'accounts/fireworks/models/nope' }), context())).rejects.toBeInstanceOf(NotFoundError);
    const rejected = await provider.chatCompletion(chat(), context({ providerData: { fireworks_api_key: 'fw_revoked' } })).catch((caught: unknown) => caught);
    expect(rejected).toBeInstanceOf(AuthenticationError);
    expect((rejected as Error).message).not.toContain('fw_revoked');
    // Three failures outlast the client's two retries.
    server.failNext({ status: 429, message: 'Request rate limit exceeded, please try again later', type: 'error', code: 'RATE_LIMIT_EXCEEDED', times: 3 });
    await expect(provider.chatCompletion(chat(), context())).rejects.toBeInstanceOf(RateLimitError);
    server.reset();
    server.failNext({ status: 500, message: 'Internal server error', times: 3 });
    await expect(provider.chatCompletion(chat(), context())).rejects.toMatchObject({ name: 'UpstreamError', upstreamStatus: 500 });
  });
});
