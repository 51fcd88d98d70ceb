import {
  AuthenticationError,
  createRequestContext,
  InvalidRequestError,
  NotFoundError,
  RateLimitError,
  UnsupportedError,
  type RequestContext,
} from '@stack/core';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest } from '@stack/inference-api';
import type { OpenAICompatibleProvider } from '@stack/openai-compatible';
import { collect as collectStream, cleanupAfterEach } from '@stack/inference-api/testing';
import { startFakeOpenAIServer, type FakeOpenAIServerOptions, startVendorFront } from '@stack/openai-compatible/testing';
import { describe, expect, it } from 'vitest';
import recordedModels from './__fixtures__/llama-api-models.json' with { type: 'json' };
import { llamaConfigSchema, providerSpec } from './index.js';
import { providerTestDependencies } from '@stack/core/testing';

const llm = 'Llama-4-Maverick-17B-128E-Instruct-FP8';
const key = 'LLM|1234567890|test-key';
const deps = providerTestDependencies('llama-openai-compat');

const cleanups = cleanupAfterEach();

/** The OpenAI fake behind Llama API's layout: `/compat/v1/...` reaches the fake's `/v1/...`. */
async function setup(serverOptions: FakeOpenAIServerOptions = {}, config: Record<string, unknown> = {}) {
  const server = await startFakeOpenAIServer({ flavor: 'openai', apiKey: key, models: [{ id: llm, ownedBy: 'Meta' }], ...serverOptions });
  cleanups.push(() => server.close());
  const front = await startVendorFront(server.url, (request) =>
    request.url.startsWith('/compat/v1/')
      ? { forward: `/v1/${request.url.slice('/compat/v1/'.length)}` }
      : { respond: { status: 404, body: { detail: 'Not Found' } } },
  );
  cleanups.push(() => front.close());
  const parsed = providerSpec.configSchema.parse({ openai_compat_api_base: `${front.url}/compat/v1/`, api_key: key, ...config });
  const provider = (await providerSpec.create(parsed, deps)) as OpenAICompatibleProvider;
  cleanups.push(() => provider.close());
  return { server, front, provider };
}

const context = (partial: Partial<RequestContext> = {}) => createRequestContext(partial);
const chat = (extra: Record<string, unknown> = {}) =>
  ({ model: llm, messages: [{ role: 'user', content: 'Hi Llama' }], ...extra }) as ChatCompletionRequest;

describe('remote::llama-openai-compat', () => {
  it('reads the reference run config, defaulting to api.llama.com, and the later `base_url` name', () => {
    expect(llamaConfigSchema.parse({ api_key: 'k', unknown: 1 })).toEqual({
      api_key: 'k',
      refresh_models: false,
      openai_compat_api_base: 'https://api.llama.com/compat/v1/',
    });
    expect(llamaConfigSchema.parse({ openai_compat_api_base: '', api_key: '' })).toEqual({
      api_key: undefined,
      refresh_models: false,
      openai_compat_api_base: 'https://api.llama.com/compat/v1/',
    });
    expect(llamaConfigSchema.parse({ base_url: 'https://proxy.example/compat/v1' }).openai_compat_api_base).toBe('https://proxy.example/compat/v1');
  });

  it('lists the recorded catalogue as LLMs', async () => {
    const { provider, front } = await setup({ modelsResponse: recordedModels });
    const models = await provider.listModels();
    expect(models).toHaveLength(6);
    expect(models[0]).toEqual({ provider_resource_id: llm, model_type: 'llm', metadata: {} });
    expect(models.every((model) => model.model_type === 'llm')).toBe(true);
    expect(front.lastRequest()?.url).toBe('/compat/v1/models');
  });

  it('sends chat to /compat/v1 with the bearer key, dropping parameters Llama API does not take', async () => {
    const { provider, front } = await setup();
    const completion = (await provider.chatCompletion(
      chat({ temperature: 0.6, top_p: 0.9, n: 1, logprobs: true, top_logprobs: 2, frequency_penalty: 0.5, presence_penalty: 0.1, store: true, metadata: { a: '1' }, response_format: { type: 'text' } }),
      context(),
    )) as ChatCompletion;
    expect(completion.choices[0].message.content).toBe('Echo: Hi Llama');
    const recorded = front.lastRequest();
    expect(recorded?.url).toBe('/compat/v1/chat/completions');
    expect(recorded?.headers.authorization).toBe(`Bearer ${key}`);
    expect(recorded?.body).toEqual({ model: llm, messages: [{ role: 'user', content: 'Hi Llama' }], temperature: 0.6, top_p: 0.9 });
  });

  it('keeps json_schema formats and tools, refuses json_object and several choices before calling', async () => {
    const { provider, front } = await setup();
    const schema = { type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] } } };
    const tools = [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: {} } } }];
    await provider.chatCompletion(chat({ response_format: schema, tools }), context());
    expect(front.lastRequest()?.body).toMatchObject({ response_format: schema, tools });
    const before = front.requests.length;
    await expect(provider.chatCompletion(chat({ response_format: { type: 'json_object' } }), context())).rejects.toBeInstanceOf(InvalidRequestError);
    await expect(provider.chatCompletion(chat({ n: 2 }), context())).rejects.toThrow(/`n` greater than 1/);
    expect(front.requests).toHaveLength(before);
  });

  it('streams chat with usage at the end', async () => {
    const { provider } = await setup({ streamChunks: 5 });
    const chunks = await collectStream(
      (await provider.chatCompletion(chat({ stream: true, stream_options: { include_usage: true } }), context())) as AsyncIterable<ChatCompletionChunk>,
    );
    expect(chunks.map((chunk) => chunk.choices[0]?.delta?.content ?? '').join('')).toMatch(/^Echo: Hi Llama/);
    expect(chunks.at(-1)?.usage?.total_tokens).toBeGreaterThan(0);
  });

  it('refuses text completions and embeddings without calling out', async () => {
    const { provider, front } = await setup();
    await expect(provider.completion({ model: llm, prompt: 'x' } as never, context())).rejects.toBeInstanceOf(UnsupportedError);
    await expect(provider.embeddings({ model: llm, input: 'x' } as never, context())).rejects.toThrow(/does not offer embeddings/);
    expect(front.requests).toHaveLength(0);
  });

  it('takes llama_api_key from provider data and requires some key', async () => {
    const { provider, front } = await setup({ apiKey: 'caller-key' }, { api_key: '' });
    await expect(provider.chatCompletion(chat(), context())).rejects.toThrow(/llama_api_key/);
    await provider.chatCompletion(chat(), context({ providerData: { llama_api_key: 'caller-key' } }));
    expect(front.lastRequest()?.headers.authorization).toBe('Bearer caller-key');
  });

  it('maps upstream errors', async () => {
    const { provider, server } = await setup({}, { api_key: 'revoked' });
    await expect(provider.chatCompletion(chat(), context())).rejects.toBeInstanceOf(AuthenticationError);
    const good = await setup();
    await expect(good.provider.chatCompletion(chat({ model: 'Llama-9' }), context())).rejects.toBeInstanceOf(NotFoundError);
    good.server.failNext({ status: 429, message: 'Rate limit exceeded', times: 3, retryAfterSeconds: 0 });
    await expect(good.provider.chatCompletion(chat(), context())).rejects.toBeInstanceOf(RateLimitError);
    expect(server.lastRequest()?.headers.authorization).toBe('Bearer revoked');
  });
});
