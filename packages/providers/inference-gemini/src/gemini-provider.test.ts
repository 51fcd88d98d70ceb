import {
  AuthenticationError,
  createRequestContext,
  InvalidRequestError,
  NotFoundError,
  RateLimitError,
  silentLogger,
  type ProviderDependencies,
  type RequestContext,
} from '@stack/core';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest, EmbeddingsResponse } from '@stack/inference-api';
import { collect, cleanupAfterEach } from '@stack/inference-api/testing';
import type { OpenAICompatibleProvider } from '@stack/openai-compatible';
import { describe, expect, it } from 'vitest';
import invalidKey from './__fixtures__/gemini-error-invalid-key.json' with { type: 'json' };
import { startFakeGemini } from './gemini-fake-server.js';
import { sendVendorJson, startVendorFrontServer } from '@stack/openai-compatible/testing';
import { createGeminiInferenceProvider, geminiConfigSchema, providerSpec } from './index.js';

const key = 'AIzaSyTest0123456789';
const cleanups = cleanupAfterEach();

async function setup(config: Record<string, unknown> = { api_key: key }, serverKey = key) {
  const fake = await startFakeGemini(serverKey, { streamChunks: 5 });
  cleanups.push(() => fake.close());
  const provider = createGeminiInferenceProvider(geminiConfigSchema.parse(config), { baseURL: fake.baseURL });
  cleanups.push(() => provider.close());
  return { fake, provider };
}

const context = (partial: Partial<RequestContext> = {}) => createRequestContext(partial);
const chat = (extra: Record<string, unknown> = {}) =>
  ({ model: 'models/gemini-2.5-flash', messages: [{ role: 'user', content: 'Say hi' }], ...extra }) as ChatCompletionRequest;

describe('remote::gemini', () => {
  it('reads the reference config and enforces its credential rules', () => {
    expect(geminiConfigSchema.parse({ api_key: '', access_token: '', project: '' })).toEqual({ refresh_models: false });
    expect(geminiConfigSchema.parse({ access_token: 'ya29.token', project: 'my-project' })).toMatchObject({ access_token: 'ya29.token', project: 'my-project' });
    expect(geminiConfigSchema.safeParse({ api_key: 'AIza1', access_token: 'ya29.token', project: 'p' }).success).toBe(false);
    expect(geminiConfigSchema.safeParse({ access_token: 'ya29.token' }).success).toBe(false);
    expect(geminiConfigSchema.safeParse({ api_key: 'AIza1', project: 'p' }).success).toBe(false);
    expect(providerSpec.providerType).toBe('remote::gemini');
    expect(providerSpec.providerDataSchema?.parse({ gemini_api_key: 'AIza2' })).toMatchObject({ gemini_api_key: 'AIza2' });
  });

  it('lists models under /v1beta/openai/, with embedding dimensions known or probed', async () => {
    const { provider, fake } = await setup();
    const models = await provider.listModels();
    expect(models).toEqual([
      { provider_resource_id: 'models/gemini-2.5-flash', model_type: 'llm', metadata: {} },
      { provider_resource_id: 'models/gemini-2.5-pro', model_type: 'llm', metadata: {} },
      { provider_resource_id: 'models/gemini-2.0-flash-lite', model_type: 'llm', metadata: {} },
      { provider_resource_id: 'models/text-embedding-004', model_type: 'embedding', metadata: { embedding_dimension: 768, context_length: 2048 } },
      { provider_resource_id: 'models/gemini-embedding-001', model_type: 'embedding', metadata: { embedding_dimension: 3072, context_length: 2048 } },
      { provider_resource_id: 'models/gemini-embedding-exp-03-07', model_type: 'embedding', metadata: { embedding_dimension: 3072 } },
    ]);
    const listing = fake.front.requests.find((request) => request.path === '/v1beta/openai/models');
    expect(listing?.headers.authorization).toBe(`Bearer ${key}`);
    // Only the unknown embedding model is probed.
    expect(fake.front.requests.filter((request) => request.path === '/v1beta/openai/embeddings').map((request) => request.body.model)).toEqual([
      'models/gemini-embedding-exp-03-07',
    ]);
  });

  it('sends chat to /v1beta/openai/chat/completions unchanged and streams it', async () => {
    const { provider, fake } = await setup();
    const completion = (await provider.chatCompletion(chat({ max_tokens: 32, reasoning_effort: 'low' }), context())) as ChatCompletion;
    expect(completion.choices[0].message.content).toMatch(/^Echo: Say hi/);
    const recorded = fake.front.requests.at(-1);
    expect(recorded?.path).toBe('/v1beta/openai/chat/completions');
    expect(recorded?.headers.authorization).toBe(`Bearer ${key}`);
    expect(recorded?.headers['x-goog-user-project']).toBeUndefined();
    expect(recorded?.body).toEqual({ model: 'models/gemini-2.5-flash', messages: [{ role: 'user', content: 'Say hi' }], max_tokens: 32, reasoning_effort: 'low' });

    const stream = await provider.chatCompletion(chat({ stream: true, stream_options: { include_usage: true } }), context());
    const chunks = await collect(stream as AsyncIterable<ChatCompletionChunk>);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta?.content ?? '').join('')).toMatch(/^Echo: Say hi/);
    expect(chunks.at(-1)?.usage).toMatchObject({ completion_tokens: 5 });
  });

  it('embeds with dimensions, asking Gemini for floats and encoding base64 itself', async () => {
    const { provider, fake } = await setup();
    const floats = (await provider.embeddings({ model: 'models/text-embedding-004', input: ['a', 'b'], dimensions: 256 } as never, context())) as EmbeddingsResponse;
    expect(floats.data.map((item) => (item.embedding as number[]).length)).toEqual([256, 256]);
    expect(fake.front.requests.at(-1)?.body).toEqual({ model: 'models/text-embedding-004', input: ['a', 'b'], dimensions: 256, encoding_format: 'float' });

    const encoded = (await provider.embeddings({ model: 'models/text-embedding-004', input: ['a', 'b'], encoding_format: 'base64' } as never, context())) as EmbeddingsResponse;
    expect(fake.front.requests.at(-1)?.body.encoding_format).toBe('float');
    const bytes = Buffer.from(encoded.data[1].embedding as string, 'base64');
    expect(bytes.length).toBe(768 * 4);
  });

  it('answers usage zero and positions as indexes when Gemini leaves them out', async () => {
    const front = await startVendorFrontServer({
      upstreamURL: 'http://127.0.0.1:9',
      forwardPath: () => undefined,
      handle: (_request, response) => {
        sendVendorJson(response, 200, { object: 'list', model: 'models/text-embedding-004', data: [{ object: 'embedding', index: 0, embedding: [0.1, 0.2] }, { object: 'embedding', index: 0, embedding: [0.3, 0.4] }] });
        return true;
      },
    });
    cleanups.push(() => front.close());
    const provider = createGeminiInferenceProvider(geminiConfigSchema.parse({ api_key: key }), { baseURL: `${front.url}/v1beta/openai/` });
    cleanups.push(() => provider.close());
    expect(await provider.embeddings({ model: 'models/text-embedding-004', input: ['x', 'y'] } as never, context())).toEqual({
      object: 'list',
      model: 'models/text-embedding-004',
      data: [
        { object: 'embedding', index: 0, embedding: [0.1, 0.2] },
        { object: 'embedding', index: 1, embedding: [0.3, 0.4] },
      ],
      usage: { prompt_tokens: 0, total_tokens: 0 },
    });
  });

  it('authenticates with an OAuth access token and its quota project', async () => {
    const { provider, fake } = await setup({ access_token: 'ya29.a0-token', project: 'acme-prod' }, 'ya29.a0-token');
    await provider.chatCompletion(chat(), context());
    const recorded = fake.front.requests.at(-1);
    expect(recorded?.headers.authorization).toBe('Bearer ya29.a0-token');
    expect(recorded?.headers['x-goog-user-project']).toBe('acme-prod');
  });

  it('uses gemini_api_key from provider data; without any key fails naming it', async () => {
    const { provider, fake } = await setup({}, 'AIzaCaller');
    const error = await provider.chatCompletion(chat(), context()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as Error).message).toContain('{"gemini_api_key": "<key>"}');
    expect(fake.front.requests).toHaveLength(0);
    await provider.chatCompletion(chat(), context({ providerData: { gemini_api_key: 'AIzaCaller' } }));
    expect(fake.front.requests.at(-1)?.headers.authorization).toBe('Bearer AIzaCaller');
  });

  it("maps Gemini's array-wrapped errors with their message", async () => {
    const front = await startVendorFrontServer({
      upstreamURL: 'http://127.0.0.1:9',
      forwardPath: () => undefined,
      handle: (_request, response) => (sendVendorJson(response, 400, invalidKey), true),
    });
    cleanups.push(() => front.close());
    const provider = createGeminiInferenceProvider(geminiConfigSchema.parse({ api_key: 'AIzaWrong' }), { baseURL: `${front.url}/v1beta/openai/` });
    cleanups.push(() => provider.close());
    const error = await provider.chatCompletion(chat(), context()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as Error).message).toBe('API key not valid. Please pass a valid API key.');
  });

  it('maps errors: unknown model, refused key, quota, outage', async () => {
    const { provider, fake } = await setup();
    await expect(provider.chatCompletion(chat({ model: 'models/gemini-9' }), context())).rejects.toBeInstanceOf(NotFoundError);
    await expect(provider.chatCompletion(chat(), context({ providerData: { gemini_api_key: 'AIzaRevoked' } }))).rejects.toBeInstanceOf(AuthenticationError);
    fake.openai.failNext({ status: 429, message: 'Resource has been exhausted (e.g. check quota).', type: 'RESOURCE_EXHAUSTED', times: 3, retryAfterSeconds: 0 });
    await expect(provider.chatCompletion(chat(), context())).rejects.toBeInstanceOf(RateLimitError);
    fake.openai.failNext({ status: 503, message: 'The model is overloaded. Please try again later.', type: 'UNAVAILABLE', times: 3, retryAfterSeconds: 0 });
    await expect(provider.chatCompletion(chat(), context())).rejects.toMatchObject({ name: 'UpstreamError', upstreamStatus: 503 });
  });

  it('creates from the run config through providerSpec with the real base URL', async () => {
    const provider = (await providerSpec.create(providerSpec.configSchema.parse({ api_key: key }), {
      providerId: 'gemini',
      logger: silentLogger,
    } as ProviderDependencies)) as OpenAICompatibleProvider;
    cleanups.push(() => provider.close());
    expect(provider.baseURL).toBe('https://generativelanguage.googleapis.com/v1beta/openai');
  });
});
