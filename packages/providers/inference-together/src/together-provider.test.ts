import {
  AuthenticationError,
  createRequestContext,
  InvalidRequestError,
  NotFoundError,
  RateLimitError,
  type RequestContext,
} from '@stack/core';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest, EmbeddingsResponse } from '@stack/inference-api';
import { collect, cleanupAfterEach } from '@stack/inference-api/testing';
import type { FetchFunction, OpenAICompatibleProvider } from '@stack/openai-compatible';
import { startFakeOpenAIServer, type FakeOpenAIServerOptions } from '@stack/openai-compatible/testing';
import { describe, expect, it } from 'vitest';
import recordedModels from './__fixtures__/together-models.json' with { type: 'json' };
import { createTogetherInferenceProvider, providerSpec, togetherConfigSchema } from './index.js';
import { providerTestDependencies } from '@stack/core/testing';

const deps = providerTestDependencies('together');
const key = 'tgp_v1_test0123456789abcdef';
const chatModel = 'meta-llama/Llama-3.3-70B-Instruct-Turbo';
const servedModels: FakeOpenAIServerOptions['models'] = [
  { id: chatModel },
  { id: 'BAAI/bge-base-en-v1.5', type: 'embedding', embeddingDimension: 768 },
  { id: 'togethercomputer/m2-bert-80M-8k-retrieval', type: 'embedding', embeddingDimension: 768 },
];

const cleanups = cleanupAfterEach();

async function setup(serverOptions: FakeOpenAIServerOptions = {}, config: Record<string, unknown> = {}, fetch?: FetchFunction) {
  const server = await startFakeOpenAIServer({ flavor: 'openai', apiKey: key, models: servedModels, modelsResponse: recordedModels, ...serverOptions });
  cleanups.push(() => server.close());
  const parsed = togetherConfigSchema.parse({ api_key: key, url: server.baseURL, ...config });
  const provider = fetch
    ? createTogetherInferenceProvider(parsed, { fetch })
    : ((await providerSpec.create(parsed, deps)) as OpenAICompatibleProvider);
  cleanups.push(() => provider.close());
  return { server, provider };
}

const context = (partial: Partial<RequestContext> = {}) => createRequestContext(partial);
const chat = (extra: Record<string, unknown> = {}) =>
  ({ model: chatModel, messages: [{ role: 'user', content: 'Say hi' }], ...extra }) as ChatCompletionRequest;

describe('remote::together', () => {
  it('reads the reference config with its defaults', () => {
    expect(togetherConfigSchema.parse({ api_key: '' })).toEqual({
      url: 'https://api.together.xyz/v1',
      api_key: undefined,
      refresh_models: false,
    });
    expect(togetherConfigSchema.parse({ url: 'https://api.together.xyz/v1', api_key: 'k', refresh_models: 'true', allowed_models: null })).toMatchObject({
      refresh_models: true,
    });
  });

  it("lists Together's bare-array catalogue: language models and embeddings, other tasks left out", async () => {
    const { provider, server } = await setup();
    const models = await provider.listModels();
    expect(server.lastRequest('/v1/models')?.headers.authorization).toBe(`Bearer ${key}`);
    expect(models).toEqual([
      { provider_resource_id: chatModel, model_type: 'llm', metadata: { context_length: 131072 } },
      { provider_resource_id: 'Qwen/Qwen2.5-Coder-32B-Instruct', model_type: 'llm', metadata: { context_length: 32768 } },
      { provider_resource_id: 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference', model_type: 'llm', metadata: { context_length: 16384 } },
      { provider_resource_id: 'BAAI/bge-base-en-v1.5', model_type: 'embedding', metadata: { embedding_dimension: 768, context_length: 512 } },
      {
        provider_resource_id: 'intfloat/multilingual-e5-large-instruct',
        model_type: 'embedding',
        metadata: { embedding_dimension: 1024, context_length: 512 },
      },
    ]);
  });

  it('probes the dimension of an embedding model it does not know', async () => {
    const entry = { id: 'togethercomputer/m2-bert-80M-8k-retrieval', object: 'model', type: 'embedding', context_length: 8192 };
    const { provider, server } = await setup({ modelsResponse: [entry] });
    expect(await provider.listModels()).toEqual([
      { provider_resource_id: entry.id, model_type: 'embedding', metadata: { context_length: 8192, embedding_dimension: 768 } },
    ]);
    expect(server.lastRequest('/v1/embeddings')?.body).toEqual({ model: entry.id, input: 'dimension probe', encoding_format: 'float' });
  });

  it('sends chat with the bearer key and forwards the body unchanged', async () => {
    const { provider, server } = await setup();
    const completion = (await provider.chatCompletion(chat({ max_tokens: 64, repetition_penalty: 1.1 }), context())) as ChatCompletion;
    expect(completion.choices[0].message.content).toBe('Echo: Say hi');
    const recorded = server.lastRequest('/v1/chat/completions');
    expect(recorded?.headers.authorization).toBe(`Bearer ${key}`);
    expect(recorded?.body).toEqual({ model: chatModel, messages: [{ role: 'user', content: 'Say hi' }], max_tokens: 64, repetition_penalty: 1.1 });
  });

  it('streams chunks with usage at the end', async () => {
    const { provider } = await setup({ streamChunks: 4 });
    const stream = await provider.chatCompletion(chat({ stream: true, stream_options: { include_usage: true } }), context());
    const chunks = await collect(stream as AsyncIterable<ChatCompletionChunk>);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta?.content ?? '').join('')).toMatch(/^Echo: Say hi/);
    expect(chunks.at(-1)?.usage).toMatchObject({ completion_tokens: 4 });
  });

  it('embeds text, and fills in usage when Together leaves it out', async () => {
    const withoutUsage: FetchFunction = async (input, init) => {
      const response = await globalThis.fetch(input, init);
      if (!String(input instanceof Request ? input.url : input).endsWith('/embeddings')) return response;
      const { usage: _usage, ...rest } = (await response.json()) as Record<string, unknown>;
      return new Response(JSON.stringify(rest), { status: response.status, headers: { 'content-type': 'application/json' } });
    };
    const { provider, server } = await setup({}, {}, withoutUsage);
    const response = (await provider.embeddings({ model: 'BAAI/bge-base-en-v1.5', input: ['a', 'b'] } as never, context())) as EmbeddingsResponse;
    expect(response.data.map((item) => (item.embedding as number[]).length)).toEqual([768, 768]);
    expect(response.usage).toEqual({ prompt_tokens: -1, total_tokens: -1 });
    expect(server.lastRequest('/v1/embeddings')?.body).toEqual({ model: 'BAAI/bge-base-en-v1.5', input: ['a', 'b'] });
  });

  it('refuses embedding parameters Together rejects, sending nothing', async () => {
    const { provider, server } = await setup();
    const embed = (extra: Record<string, unknown>) =>
      provider.embeddings({ model: 'BAAI/bge-base-en-v1.5', input: 'a', ...extra } as never, context()).catch((caught: unknown) => caught);
    expect(await embed({ dimensions: 256 })).toMatchObject({ name: 'InvalidRequestError', param: 'dimensions' });
    expect(await embed({ user: 'u-1' })).toMatchObject({ name: 'InvalidRequestError', param: 'user' });
    expect(await embed({ input: [1, 2, 3] })).toBeInstanceOf(InvalidRequestError);
    expect(server.requests).toHaveLength(0);
  });

  it('prefers together_api_key from provider data, and without any key fails before sending', async () => {
    const { provider, server } = await setup({ apiKey: 'tgp_caller' }, { api_key: '' });
    const missing = await provider.chatCompletion(chat(), context()).catch((caught: unknown) => caught);
    expect(missing).toBeInstanceOf(AuthenticationError);
    expect((missing as Error).message).toContain('{"together_api_key": "<key>"}');
    expect(server.requests).toHaveLength(0);
    await provider.chatCompletion(chat(), context({ providerData: { together_api_key: 'tgp_caller' } }));
    expect(server.lastRequest()?.headers.authorization).toBe('Bearer tgp_caller');
  });

  it('maps Together errors into the closed set', async () => {
    const { provider, server } = await setup();
    await expect(provider.chatCompletion(chat({ model: 'nobody/unknown' }), context())).rejects.toBeInstanceOf(NotFoundError);
    const rejected = await provider.chatCompletion(chat(), context({ providerData: { together_api_key: 'tgp_revoked' } })).catch((caught: unknown) => caught);
    expect(rejected).toBeInstanceOf(AuthenticationError);
    expect((rejected as Error).message).not.toContain('tgp_revoked');
    // Three failures outlast the client's two retries.
    server.failNext({ status: 429, message: 'You have reached the rate limit specific to this model.', type: 'model_rate_limit', times: 3 });
    await expect(provider.chatCompletion(chat(), context())).rejects.toBeInstanceOf(RateLimitError);
    server.reset();
    server.failNext({ status: 503, message: 'The server is overloaded or not ready yet.', times: 3 });
    await expect(provider.chatCompletion(chat(), context())).rejects.toMatchObject({ name: 'UpstreamError', upstreamStatus: 503 });
  });
});
