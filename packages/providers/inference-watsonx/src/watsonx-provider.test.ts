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
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest, EmbeddingsResponse } from '@stack/inference-api';
import { collect, cleanupAfterEach } from '@stack/inference-api/testing';
import { describe, expect, it } from 'vitest';
import recordedChat from './__fixtures__/watsonx-chat-completion.json' with { type: 'json' };
import modelNotSupported from './__fixtures__/watsonx-error-model-not-supported.json' with { type: 'json' };
import { iamToken, startFakeWatsonx } from './watsonx-fake-server.js';
import { sendVendorJson, startVendorFrontServer } from '@stack/openai-compatible/testing';
import {
  createIbmIamTokenSource,
  createWatsonxInferenceProvider,
  providerSpec,
  watsonxConfigSchema,
  type WatsonxInferenceProvider,
} from './index.js';

const key = 'ibmcloud-api-key-test-0123456789';
const project = '1461945d-7925-4b82-b90b-ecd907a98d77';
const cleanups = cleanupAfterEach();

async function setup(config: Record<string, unknown> = { api_key: key, project_id: project }) {
  const fake = await startFakeWatsonx(key, { streamChunks: 5 });
  cleanups.push(() => fake.close());
  const provider = createWatsonxInferenceProvider(watsonxConfigSchema.parse({ base_url: fake.url, ...config }), { iamTokenURL: fake.iamTokenURL });
  cleanups.push(() => provider.close());
  return { fake, provider };
}

const context = (partial: Partial<RequestContext> = {}) => createRequestContext(partial);
const chat = (extra: Record<string, unknown> = {}) =>
  ({ model: 'meta-llama/llama-3-3-70b-instruct', messages: [{ role: 'user', content: 'Say hi' }], ...extra }) as ChatCompletionRequest;

describe('remote::watsonx', () => {
  it('reads the reference config: base_url defaults to Dallas, url is accepted, timeout is 60 s', () => {
    const previous = process.env.WATSONX_BASE_URL;
    delete process.env.WATSONX_BASE_URL;
    try {
      expect(watsonxConfigSchema.parse({ base_url: '', api_key: '', project_id: '' })).toEqual({
        base_url: 'https://us-south.ml.cloud.ibm.com',
        api_key: undefined,
        project_id: undefined,
        timeout: 60,
        refresh_models: false,
      });
    } finally {
      if (previous !== undefined) process.env.WATSONX_BASE_URL = previous;
    }
    expect(watsonxConfigSchema.parse({ url: 'https://eu-de.ml.cloud.ibm.com', timeout: '120' })).toMatchObject({ base_url: 'https://eu-de.ml.cloud.ibm.com', timeout: 120 });
    expect(providerSpec.providerDataSchema?.parse({ watsonx_api_key: 'k', watsonx_project_id: 'p' })).toMatchObject({ watsonx_api_key: 'k', watsonx_project_id: 'p' });
  });

  it('lists /ml/v1/models classified by the foundation model specs', async () => {
    const { provider, fake } = await setup();
    expect(await provider.listModels()).toEqual([
      { provider_resource_id: 'ibm/granite-3-3-8b-instruct', model_type: 'llm', metadata: { context_length: 131072 } },
      { provider_resource_id: 'ibm/granite-4-h-small', model_type: 'llm', metadata: {} },
      { provider_resource_id: 'ibm/slate-125m-english-rtrvr-v2', model_type: 'embedding', metadata: { embedding_dimension: 768, context_length: 512 } },
      { provider_resource_id: 'intfloat/multilingual-e5-large', model_type: 'embedding', metadata: { embedding_dimension: 1024, context_length: 512 } },
      { provider_resource_id: 'meta-llama/llama-3-3-70b-instruct', model_type: 'llm', metadata: { context_length: 131072 } },
    ]);
    const listing = fake.front.requests.find((request) => request.path === '/ml/v1/models');
    expect(Object.fromEntries(listing?.query ?? [])).toEqual({ project_id: project, version: '2023-10-25' });
    expect(listing?.headers.authorization).toBe(`Bearer ${iamToken}`);
    expect(fake.exchanges).toEqual([key]);
  });

  it('exchanges the API key at IAM once, then chats with the token, project_id and version', async () => {
    const { provider, fake } = await setup();
    const completion = (await provider.chatCompletion(chat({ max_tokens: 50, parallel_tool_calls: false }), context())) as ChatCompletion;
    expect(completion.choices[0].message.content).toMatch(/^Echo: Say hi/);
    const recorded = fake.front.requests.at(-1);
    expect(recorded?.path).toBe('/ml/v1/chat/completions');
    expect(recorded?.query.get('version')).toBe('2023-10-25');
    expect(recorded?.headers.authorization).toBe(`Bearer ${iamToken}`);
    // parallel_tool_calls is dropped: watsonx.ai rejects it.
    expect(recorded?.body).toEqual({ model: 'meta-llama/llama-3-3-70b-instruct', messages: [{ role: 'user', content: 'Say hi' }], max_tokens: 50, project_id: project });
    const exchange = fake.front.requests.find((request) => request.path === '/identity/token');
    expect(exchange?.headers['content-type']).toBe('application/x-www-form-urlencoded');

    await Promise.all([provider.chatCompletion(chat(), context()), provider.chatCompletion(chat(), context())]);
    expect(fake.exchanges).toEqual([key]);
  });

  it('renews an IAM token shortly before its expiration', async () => {
    const fake = await startFakeWatsonx(key);
    cleanups.push(() => fake.close());
    let clock = Date.now();
    const tokens = createIbmIamTokenSource({ tokenURL: fake.iamTokenURL, now: () => clock });
    expect(await Promise.all([tokens.getToken(key), tokens.getToken(key)])).toEqual([iamToken, iamToken]);
    expect(fake.exchanges).toHaveLength(1);
    clock += 3_545_000;
    await tokens.getToken(key);
    expect(fake.exchanges).toHaveLength(2);
  });

  it("returns watsonx.ai's answer with its own fields", async () => {
    const front = await startVendorFrontServer({
      upstreamURL: 'http://127.0.0.1:9',
      forwardPath: () => undefined,
      handle: (_request, response) => (sendVendorJson(response, 200, recordedChat), true),
    });
    cleanups.push(() => front.close());
    const provider = createWatsonxInferenceProvider(watsonxConfigSchema.parse({ base_url: front.url, api_key: key, project_id: project }), {
      tokenSource: { getToken: async () => iamToken },
    });
    cleanups.push(() => provider.close());
    expect(await provider.chatCompletion(chat(), context())).toEqual(recordedChat);
  });

  it('streams chat and embeds in the project', async () => {
    const { provider, fake } = await setup();
    const stream = await provider.chatCompletion(chat({ stream: true, stream_options: { include_usage: true } }), context());
    const chunks = await collect(stream as AsyncIterable<ChatCompletionChunk>);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta?.content ?? '').join('')).toMatch(/^Echo: Say hi/);
    expect(chunks.at(-1)?.usage).toMatchObject({ completion_tokens: 5 });
    expect(fake.front.requests.at(-1)?.body).toMatchObject({ stream: true, stream_options: { include_usage: true }, project_id: project });

    const embeddings = (await provider.embeddings({ model: 'ibm/slate-125m-english-rtrvr-v2', input: ['a', 'b'] } as never, context())) as EmbeddingsResponse;
    expect(embeddings.data.map((item) => (item.embedding as number[]).length)).toEqual([768, 768]);
    const recorded = fake.front.requests.at(-1);
    expect(recorded?.path).toBe('/ml/v1/embeddings');
    expect(recorded?.body).toEqual({ model: 'ibm/slate-125m-english-rtrvr-v2', input: ['a', 'b'], project_id: project });
  });

  it("takes the caller's watsonx_api_key and watsonx_project_id", async () => {
    const { provider, fake } = await setup({});
    const caller = context({ providerData: { watsonx_api_key: key, watsonx_project_id: 'caller-project' } });
    await provider.chatCompletion(chat(), caller);
    expect(fake.front.requests.at(-1)?.body.project_id).toBe('caller-project');
    expect(fake.exchanges).toEqual([key]);
    // A token smuggled in provider data is never used as is.
    await provider.chatCompletion(chat(), context({ providerData: { watsonx_api_key: key, watsonx_project_id: 'p', watsonx_iam_token: 'forged' } }));
    expect(fake.front.requests.at(-1)?.headers.authorization).toBe(`Bearer ${iamToken}`);
  });

  it('without a key or project fails before any request; completions are unsupported', async () => {
    const { provider, fake } = await setup({});
    const error = await provider.chatCompletion(chat(), context()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as Error).message).toContain('{"watsonx_api_key": "<key>"}');
    expect(await provider.health()).toMatchObject({ status: 'Error' });

    const noProject = await provider.chatCompletion(chat(), context({ providerData: { watsonx_api_key: key } })).catch((caught: unknown) => caught);
    expect(noProject).toBeInstanceOf(InvalidRequestError);
    expect((noProject as Error).message).toContain('watsonx_project_id');
    await expect(provider.completion({ model: 'ibm/granite-3-1-8b-base', prompt: 'Hi' } as never, context())).rejects.toBeInstanceOf(UnsupportedError);
    expect(fake.front.requests.filter((request) => request.path.startsWith('/ml/'))).toHaveLength(0);
  });

  it("reports IAM's refusal as AuthenticationError with IAM's reason, never the key", async () => {
    const { provider } = await setup({ api_key: 'revoked-key-42', project_id: project });
    const error = await provider.chatCompletion(chat(), context()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as Error).message).toContain('Provided API key could not be found.');
    expect((error as Error).message).not.toContain('revoked-key-42');
  });

  it("maps watsonx.ai's errors with their message; health reads the model specs", async () => {
    const { provider, fake } = await setup();
    expect(await provider.health()).toEqual({ status: 'OK' });
    await expect(provider.chatCompletion(chat({ model: 'ibm/granite-9' }), context())).rejects.toBeInstanceOf(NotFoundError);
    fake.openai.failNext({ status: 429, message: 'Rate limit exceeded', type: 'token_quota_reached', times: 3, retryAfterSeconds: 0 });
    await expect(provider.chatCompletion(chat(), context())).rejects.toBeInstanceOf(RateLimitError);

    const front = await startVendorFrontServer({
      upstreamURL: 'http://127.0.0.1:9',
      forwardPath: () => undefined,
      handle: (_request, response) => (sendVendorJson(response, 404, modelNotSupported), true),
    });
    cleanups.push(() => front.close());
    const native = createWatsonxInferenceProvider(watsonxConfigSchema.parse({ base_url: front.url, api_key: key, project_id: project }), {
      tokenSource: { getToken: async () => iamToken },
    });
    cleanups.push(() => native.close());
    const error = await native.chatCompletion(chat({ model: 'ibm/granite-9' }), context()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as Error).message).toBe("Model 'ibm/granite-9' is not supported");
    expect((error as NotFoundError).code).toBe('model_not_supported');
  });

  it('creates from the run config through providerSpec', async () => {
    const provider = (await providerSpec.create(providerSpec.configSchema.parse({ base_url: 'https://eu-de.ml.cloud.ibm.com/', api_key: key }), {
      providerId: 'watsonx',
      logger: silentLogger,
    } as ProviderDependencies)) as WatsonxInferenceProvider;
    cleanups.push(() => provider.close());
    expect(provider.baseURL).toBe('https://eu-de.ml.cloud.ibm.com/ml/v1');
  });
});
