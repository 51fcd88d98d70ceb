import {
  AuthenticationError,
  createRequestContext,
  NotFoundError,
  RateLimitError,
  UnsupportedError,
  type RequestContext,
} from '@stack/core';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest, Completion } from '@stack/inference-api';
import { collect, cleanupAfterEach } from '@stack/inference-api/testing';
import type { OpenAICompatibleProvider } from '@stack/openai-compatible';
import { startFakeOpenAIServer, type FakeOpenAIServerOptions } from '@stack/openai-compatible/testing';
import { describe, expect, it } from 'vitest';
import recordedModels from './__fixtures__/cerebras-models.json' with { type: 'json' };
import { cerebrasBaseURL, cerebrasConfigSchema, providerSpec } from './index.js';
import { providerTestDependencies } from '@stack/core/testing';

const deps = providerTestDependencies('cerebras');
const key = 'csk-test0123456789abcdef';
const chatModel = 'llama-3.3-70b';

const cleanups = cleanupAfterEach();

async function setup(serverOptions: FakeOpenAIServerOptions = {}, config: Record<string, unknown> = {}) {
  const server = await startFakeOpenAIServer({ flavor: 'openai', apiKey: key, models: [{ id: chatModel }, { id: 'llama3.1-8b' }], ...serverOptions });
  cleanups.push(() => server.close());
  // `base_url` is the origin, as in the reference run config; the provider adds `/v1`.
  const provider = (await providerSpec.create(cerebrasConfigSchema.parse({ api_key: key, base_url: server.url, ...config }), deps)) as OpenAICompatibleProvider;
  cleanups.push(() => provider.close());
  return { server, provider };
}

const context = (partial: Partial<RequestContext> = {}) => createRequestContext(partial);
const chat = (extra: Record<string, unknown> = {}) =>
  ({ model: chatModel, messages: [{ role: 'user', content: 'Say hi' }], ...extra }) as ChatCompletionRequest;

describe('remote::cerebras', () => {
  it('reads the reference config and appends /v1 to the origin', () => {
    expect(cerebrasConfigSchema.parse({ api_key: '' })).toEqual({ base_url: 'https://api.cerebras.ai', api_key: undefined, refresh_models: false });
    expect(cerebrasBaseURL('https://api.cerebras.ai')).toBe('https://api.cerebras.ai/v1');
    expect(cerebrasBaseURL('https://api.cerebras.ai/')).toBe('https://api.cerebras.ai/v1');
    expect(cerebrasBaseURL('https://api.cerebras.ai/v1')).toBe('https://api.cerebras.ai/v1');
  });

  it('lists the account models as LLMs', async () => {
    const { provider, server } = await setup({ modelsResponse: recordedModels });
    expect(await provider.listModels()).toEqual(
      ['llama3.1-8b', 'llama-3.3-70b', 'qwen-3-32b', 'gpt-oss-120b'].map((id) => ({ provider_resource_id: id, model_type: 'llm', metadata: {} })),
    );
    expect(server.lastRequest()).toMatchObject({ path: '/v1/models', headers: { authorization: `Bearer ${key}` } });
  });

  it('sends chat to /v1/chat/completions, dropping fields Cerebras refuses', async () => {
    const { provider, server } = await setup();
    const request = chat({
      max_completion_tokens: 40,
      frequency_penalty: 0,
      presence_penalty: 0,
      store: false,
      service_tier: 'auto',
      parallel_tool_calls: true,
      prompt_cache_key: 'k1',
      temperature: 0.2,
    });
    const completion = (await provider.chatCompletion(request, context())) as ChatCompletion;
    expect(completion.choices[0].message.content).toBe('Echo: Say hi');
    const recorded = server.lastRequest('/v1/chat/completions');
    expect(recorded?.headers.authorization).toBe(`Bearer ${key}`);
    expect(recorded?.body).toEqual({ model: chatModel, messages: [{ role: 'user', content: 'Say hi' }], max_completion_tokens: 40, temperature: 0.2 });
  });

  it('refuses logit bias and non-zero penalties before sending', async () => {
    const { provider, server } = await setup();
    const failure = (extra: Record<string, unknown>) => provider.chatCompletion(chat(extra), context()).catch((caught: unknown) => caught);
    expect(await failure({ frequency_penalty: 0.5 })).toMatchObject({ name: 'InvalidRequestError', param: 'frequency_penalty' });
    expect(await failure({ presence_penalty: -1 })).toMatchObject({ name: 'InvalidRequestError', param: 'presence_penalty' });
    expect(await failure({ logit_bias: { '128000': 5 } })).toMatchObject({ name: 'InvalidRequestError', param: 'logit_bias' });
    expect(server.requests).toHaveLength(0);
  });

  it('streams chat and answers text completions', async () => {
    const { provider, server } = await setup({ streamChunks: 4 });
    const stream = await provider.chatCompletion(chat({ stream: true, stream_options: { include_usage: true } }), context());
    const chunks = await collect(stream as AsyncIterable<ChatCompletionChunk>);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta?.content ?? '').join('')).toMatch(/^Echo: Say hi/);
    expect(chunks.at(-1)?.usage).toMatchObject({ completion_tokens: 4 });
    const completion = (await provider.completion({ model: 'llama3.1-8b', prompt: 'Once', max_tokens: 16, presence_penalty: 0 } as never, context())) as Completion;
    expect(completion.choices[0].text).toMatch(/^Echo: Once/);
    expect(server.lastRequest('/v1/completions')?.body).toEqual({ model: 'llama3.1-8b', prompt: 'Once', max_tokens: 16 });
  });

  it('refuses embeddings, which Cerebras does not serve', async () => {
    const { provider, server } = await setup();
    await expect(provider.embeddings({ model: chatModel, input: 'Hi' } as never, context())).rejects.toBeInstanceOf(UnsupportedError);
    expect(server.requests).toHaveLength(0);
  });

  it('prefers cerebras_api_key from provider data, and without any key fails before sending', async () => {
    const { provider, server } = await setup({ apiKey: 'csk-caller' }, { api_key: '' });
    const missing = await provider.chatCompletion(chat(), context()).catch((caught: unknown) => caught);
    expect(missing).toBeInstanceOf(AuthenticationError);
    expect((missing as Error).message).toContain('{"cerebras_api_key": "<key>"}');
    expect(server.requests).toHaveLength(0);
    await provider.chatCompletion(chat(), context({ providerData: { cerebras_api_key: 'csk-caller' } }));
    expect(server.lastRequest()?.headers.authorization).toBe('Bearer csk-caller');
  });

  it('maps Cerebras errors into the closed set', async () => {
    const { provider, server } = await setup();
    await expect(provider.chatCompletion(chat({ model: 'llama-9' }), context())).rejects.toBeInstanceOf(NotFoundError);
    const rejected = await provider.chatCompletion(chat(), context({ providerData: { cerebras_api_key: 'csk-revoked' } })).catch((caught: unknown) => caught);
    expect(rejected).toBeInstanceOf(AuthenticationError);
    expect((rejected as Error).message).not.toContain('csk-revoked');
    // Three failures outlast the client's two retries.
    server.failNext({ status: 429, message: 'Requests per minute limit exceeded - too many requests sent.', type: 'too_many_requests_error', code: 'request_quota_exceeded', times: 3 });
    await expect(provider.chatCompletion(chat(), context())).rejects.toBeInstanceOf(RateLimitError);
    server.reset();
    server.failNext({ status: 500, message: 'Internal Server Error', times: 3 });
    await expect(provider.chatCompletion(chat(), context())).rejects.toMatchObject({ name: 'UpstreamError', upstreamStatus: 500 });
  });
});
