import {
  AuthenticationError,
  createRequestContext,
  InvalidRequestError,
  NotFoundError,
  RateLimitError,
  silentLogger,
  UnsupportedError,
  type ProviderDependencies,
  type RequestContext,
} from '@stack/core';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest } from '@stack/inference-api';
import { collect, cleanupAfterEach } from '@stack/inference-api/testing';
import type { OpenAICompatibleProvider } from '@stack/openai-compatible';
import { describe, expect, it } from 'vitest';
import recordedChat from './__fixtures__/anthropic-chat-completion.json' with { type: 'json' };
import { startFakeAnthropic } from './anthropic-fake-server.js';
import { sendVendorJson, startVendorFrontServer } from '@stack/openai-compatible/testing';
import { anthropicConfigSchema, createAnthropicInferenceProvider, providerSpec } from './index.js';

const key = 'sk-ant-api03-test-0123456789';
const cleanups = cleanupAfterEach();

async function setup(config: Record<string, unknown> = { api_key: key }, serverKey = key) {
  const fake = await startFakeAnthropic(serverKey, { streamChunks: 5 });
  cleanups.push(() => fake.close());
  const provider = createAnthropicInferenceProvider(anthropicConfigSchema.parse(config), { baseURL: fake.baseURL, providerId: 'claude' });
  cleanups.push(() => provider.close());
  return { fake, provider };
}

const context = (partial: Partial<RequestContext> = {}) => createRequestContext(partial);
const chat = (extra: Record<string, unknown> = {}) =>
  ({ model: 'claude-sonnet-4-5-20250929', messages: [{ role: 'user', content: 'Say hi' }], ...extra }) as ChatCompletionRequest;

describe('remote::anthropic', () => {
  it('reads the reference config; an empty key is no key', () => {
    expect(anthropicConfigSchema.parse({ api_key: '' })).toEqual({
      api_key: undefined,
      refresh_models: false,
    });
    expect(anthropicConfigSchema.parse({ api_key: 'sk-ant-1', refresh_models: 'true', extra: 1 })).toEqual({ api_key: 'sk-ant-1', refresh_models: true });
    expect(providerSpec.providerType).toBe('remote::anthropic');
    expect(providerSpec.providerDataSchema?.parse({ anthropic_api_key: 'sk-ant-2' })).toMatchObject({ anthropic_api_key: 'sk-ant-2' });
  });

  it('lists models through the native API with x-api-key and anthropic-version, following pages', async () => {
    const { provider, fake } = await setup();
    const models = await provider.listModels();
    expect(models).toEqual([
      { provider_resource_id: 'claude-opus-4-1-20250805', model_type: 'llm', metadata: { display_name: 'Claude Opus 4.1', created_at: '2025-08-05T00:00:00Z' } },
      { provider_resource_id: 'claude-sonnet-4-5-20250929', model_type: 'llm', metadata: { display_name: 'Claude Sonnet 4.5', created_at: '2025-09-29T00:00:00Z' } },
      { provider_resource_id: 'claude-3-7-sonnet-20250219', model_type: 'llm', metadata: { display_name: 'Claude Sonnet 3.7', created_at: '2025-02-24T00:00:00Z' } },
      { provider_resource_id: 'claude-3-5-haiku-20241022', model_type: 'llm', metadata: { display_name: 'Claude Haiku 3.5', created_at: '2024-10-22T00:00:00Z' } },
    ]);
    const listings = fake.front.requests.filter((request) => request.path === '/v1/models');
    expect(listings.map((request) => Object.fromEntries(request.query))).toEqual([{ limit: '1000' }, { limit: '1000', after_id: 'claude-sonnet-4-5-20250929' }]);
    for (const listing of listings) {
      expect(listing.headers['x-api-key']).toBe(key);
      expect(listing.headers['anthropic-version']).toBe('2023-06-01');
      // The key goes in one header only.
      expect(listing.headers.authorization).toBeUndefined();
    }
    expect(await provider.health()).toEqual({ status: 'OK' });
  });

  it('sends chat to /v1/chat/completions with the key as a bearer token, fields unchanged', async () => {
    const { provider, fake } = await setup();
    const completion = (await provider.chatCompletion(chat({ max_tokens: 64, temperature: 0.2, stop: ['\n\n'] }), context())) as ChatCompletion;
    expect(completion.choices[0].message.content).toMatch(/^Echo: Say hi/);
    const recorded = fake.openai.lastRequest('/v1/chat/completions');
    expect(recorded?.headers.authorization).toBe(`Bearer ${key}`);
    expect(recorded?.headers['x-api-key']).toBeUndefined();
    expect(recorded?.body).toEqual({ model: 'claude-sonnet-4-5-20250929', messages: [{ role: 'user', content: 'Say hi' }], max_tokens: 64, temperature: 0.2, stop: ['\n\n'] });
  });

  it("returns Anthropic's chat completion payload as it came", async () => {
    const front = await startVendorFrontServer({
      upstreamURL: 'http://127.0.0.1:9',
      forwardPath: () => undefined,
      handle: (request, response) => (request.path === '/v1/chat/completions' ? (sendVendorJson(response, 200, recordedChat), true) : false),
    });
    cleanups.push(() => front.close());
    const provider = createAnthropicInferenceProvider(anthropicConfigSchema.parse({ api_key: key }), { baseURL: `${front.url}/v1` });
    cleanups.push(() => provider.close());
    expect(await provider.chatCompletion(chat(), context())).toEqual(recordedChat);
  });

  it('streams chat chunks with usage last', async () => {
    const { provider } = await setup();
    const stream = await provider.chatCompletion(chat({ stream: true, stream_options: { include_usage: true } }), context());
    const chunks = await collect(stream as AsyncIterable<ChatCompletionChunk>);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta?.content ?? '').join('')).toMatch(/^Echo: Say hi/);
    expect(chunks.at(-1)?.usage).toMatchObject({ completion_tokens: 5 });
  });

  it('uses anthropic_api_key from provider data, for chat and for listing', async () => {
    const { provider, fake } = await setup({}, 'sk-ant-caller');
    const caller = context({ providerData: { anthropic_api_key: 'sk-ant-caller' } });
    await provider.chatCompletion(chat(), caller);
    expect(fake.openai.lastRequest()?.headers.authorization).toBe('Bearer sk-ant-caller');
    await expect(provider.listModels(caller)).resolves.toHaveLength(4);
  });

  it('without any key fails with AuthenticationError naming anthropic_api_key, sending nothing', async () => {
    const { provider, fake } = await setup({});
    const error = await provider.chatCompletion(chat(), context()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as Error).message).toContain('{"anthropic_api_key": "<key>"}');
    expect(fake.front.requests).toHaveLength(0);
  });

  it('refuses completions, embeddings and n > 1 locally', async () => {
    const { provider, fake } = await setup();
    await expect(provider.completion({ model: 'claude-3-5-haiku-20241022', prompt: 'Hi' } as never, context())).rejects.toBeInstanceOf(UnsupportedError);
    await expect(provider.embeddings({ model: 'voyage-3', input: 'Hi' } as never, context())).rejects.toBeInstanceOf(UnsupportedError);
    await expect(provider.chatCompletion(chat({ n: 2 }), context())).rejects.toMatchObject({ name: 'InvalidRequestError', param: 'n' });
    expect(fake.front.requests).toHaveLength(0);
  });

  it('maps errors: unknown model, refused key in either header style, rate limit, overload', async () => {
    const { provider, fake } = await setup();
    await expect(provider.chatCompletion(chat({ model: 'claude-9' }), context())).rejects.toBeInstanceOf(NotFoundError);

    const refused = createAnthropicInferenceProvider(anthropicConfigSchema.parse({ api_key: 'sk-ant-revoked-42' }), { baseURL: fake.baseURL });
    cleanups.push(() => refused.close());
    const listing = await refused.listModels().catch((caught: unknown) => caught);
    expect(listing).toBeInstanceOf(AuthenticationError);
    expect((listing as Error).message).not.toContain('sk-ant-revoked');
    await expect(refused.chatCompletion(chat(), context())).rejects.toBeInstanceOf(AuthenticationError);
    expect(await refused.health()).toMatchObject({ status: 'Error' });

    fake.openai.failNext({ status: 429, message: 'Number of request tokens has exceeded your per-minute rate limit', type: 'rate_limit_error', times: 3, retryAfterSeconds: 0 });
    await expect(provider.chatCompletion(chat(), context())).rejects.toBeInstanceOf(RateLimitError);
    fake.openai.failNext({ status: 529, message: 'Overloaded', type: 'overloaded_error', times: 3, retryAfterSeconds: 0 });
    await expect(provider.chatCompletion(chat(), context())).rejects.toMatchObject({ name: 'UpstreamError', upstreamStatus: 529 });
    fake.openai.failNext({ status: 400, message: 'max_tokens: 100000 > 64000, which is the maximum allowed', type: 'invalid_request_error' });
    await expect(provider.chatCompletion(chat(), context())).rejects.toBeInstanceOf(InvalidRequestError);
  });

  it('creates from the run config through providerSpec with the real base URL', async () => {
    const provider = (await providerSpec.create(providerSpec.configSchema.parse({ api_key: key }), {
      providerId: 'anthropic',
      logger: silentLogger,
    } as ProviderDependencies)) as OpenAICompatibleProvider;
    cleanups.push(() => provider.close());
    expect(provider.baseURL).toBe('https://api.anthropic.com/v1');
  });
});
