import type { ServerResponse } from 'node:http';
import {
  AuthenticationError,
  createRequestContext,
  InvalidRequestError,
  NotFoundError,
  RateLimitError,
  type RequestContext,
} from '@stack/core';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest, Completion, EmbeddingsResponse } from '@stack/inference-api';
import { collect, cleanupAfterEach } from '@stack/inference-api/testing';
import type { OpenAICompatibleProvider } from '@stack/openai-compatible';
import { startFakeOpenAIServer, type FakeOpenAIServerOptions, sendVendorJson, startVendorFrontServer, type VendorFrontRequest } from '@stack/openai-compatible/testing';
import { describe, expect, it } from 'vitest';
import servingEndpoints from './__fixtures__/databricks-serving-endpoints.json' with { type: 'json' };
import { databricksConfigSchema, databricksWorkspaceURL, providerSpec } from './index.js';
import { providerTestDependencies } from '@stack/core/testing';

const deps = providerTestDependencies('databricks');
const token = 'dapi0123456789abcdef0123456789abcdef';
const chatModel = 'databricks-meta-llama-3-3-70b-instruct';
const embeddingModel = 'databricks-gte-large-en';

const cleanups = cleanupAfterEach();

/** The workspace's REST API: the serving-endpoint listing, with Databricks' own error shape. */
function answerWorkspaceAPI(request: VendorFrontRequest, response: ServerResponse): boolean {
  if (request.path !== '/api/2.0/serving-endpoints') return false;
  if (request.headers.authorization !== `Bearer ${token}`) {
    sendVendorJson(response, 401, { error_code: 'UNAUTHENTICATED', message: 'Credential was not sent or was of an unsupported type for this API.' });
    return true;
  }
  sendVendorJson(response, 200, servingEndpoints);
  return true;
}

async function setup(serverOptions: FakeOpenAIServerOptions = {}, config: Record<string, unknown> = {}) {
  const server = await startFakeOpenAIServer({
    flavor: 'openai',
    apiKey: token,
    models: [{ id: chatModel }, { id: embeddingModel, type: 'embedding', embeddingDimension: 1024 }, { id: 'team-e5-embeddings', type: 'embedding', embeddingDimension: 384 }],
    ...serverOptions,
  });
  cleanups.push(() => server.close());
  const front = await startVendorFrontServer({
    upstreamURL: server.url,
    handle: answerWorkspaceAPI,
    forwardPath: (path) => (path.startsWith('/serving-endpoints/') ? `/v1/${path.slice('/serving-endpoints/'.length)}` : undefined),
  });
  cleanups.push(() => front.close());
  const provider = (await providerSpec.create(databricksConfigSchema.parse({ url: front.url, api_token: token, ...config }), deps)) as OpenAICompatibleProvider;
  cleanups.push(() => provider.close());
  return { server, front, provider };
}

const context = (partial: Partial<RequestContext> = {}) => createRequestContext(partial);
const chat = (extra: Record<string, unknown> = {}) =>
  ({ model: chatModel, messages: [{ role: 'user', content: 'Say hi' }], ...extra }) as ChatCompletionRequest;

describe('remote::databricks', () => {
  it('reads the reference config and needs a workspace URL', async () => {
    expect(databricksConfigSchema.parse({ url: '', api_token: '' })).toEqual({ url: undefined, api_token: undefined, refresh_models: false });
    expect(() => providerSpec.create(databricksConfigSchema.parse({ url: '' }), deps)).toThrow(InvalidRequestError);
    expect(databricksWorkspaceURL('https://dbc-1.cloud.databricks.com/')).toBe('https://dbc-1.cloud.databricks.com');
    expect(databricksWorkspaceURL('https://dbc-1.cloud.databricks.com/serving-endpoints')).toBe('https://dbc-1.cloud.databricks.com');
  });

  it('lists serving endpoints by task: chat as LLMs, embeddings with known or probed sizes', async () => {
    const { provider, front } = await setup();
    expect(await provider.listModels()).toEqual([
      { provider_resource_id: chatModel, model_type: 'llm', metadata: {} },
      { provider_resource_id: embeddingModel, model_type: 'embedding', metadata: { embedding_dimension: 1024, context_length: 8192 } },
      { provider_resource_id: 'team-e5-embeddings', model_type: 'embedding', metadata: { embedding_dimension: 384 } },
    ]);
    expect(front.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      'GET /api/2.0/serving-endpoints',
      'POST /serving-endpoints/embeddings',
    ]);
    expect(front.requests[0].headers.authorization).toBe(`Bearer ${token}`);
  });

  it('sends chat to /serving-endpoints/chat/completions and streams', async () => {
    const { provider, front } = await setup({ streamChunks: 3 });
    const completion = (await provider.chatCompletion(chat({ max_tokens: 25 }), context())) as ChatCompletion;
    expect(completion.choices[0].message.content).toBe('Echo: Say hi');
    expect(front.lastRequest()).toMatchObject({
      method: 'POST',
      path: '/serving-endpoints/chat/completions',
      headers: { authorization: `Bearer ${token}` },
      body: { model: chatModel, messages: [{ role: 'user', content: 'Say hi' }], max_tokens: 25 },
    });
    const stream = await provider.chatCompletion(chat({ stream: true, stream_options: { include_usage: true } }), context());
    const chunks = await collect(stream as AsyncIterable<ChatCompletionChunk>);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta?.content ?? '').join('')).toMatch(/^Echo: Say hi/);
    expect(chunks.at(-1)?.usage).toMatchObject({ completion_tokens: 3 });
  });

  it('embeds through /serving-endpoints/embeddings', async () => {
    const { provider, front } = await setup();
    const response = (await provider.embeddings({ model: embeddingModel, input: ['a', 'b'] } as never, context())) as EmbeddingsResponse;
    expect(response.data.map((item) => (item.embedding as number[]).length)).toEqual([1024, 1024]);
    expect(front.lastRequest()).toMatchObject({ path: '/serving-endpoints/embeddings', body: { model: embeddingModel, input: ['a', 'b'] } });
  });

  it('forwards text completions to /serving-endpoints/completions', async () => {
    const { provider, front } = await setup();
    const completion = (await provider.completion({ model: chatModel, prompt: 'Once upon', max_tokens: 8 } as never, context())) as Completion;
    expect(completion.choices[0].text).toMatch(/^Echo: Once upon/);
    expect(front.lastRequest()).toMatchObject({ path: '/serving-endpoints/completions', body: { model: chatModel, prompt: 'Once upon', max_tokens: 8 } });
  });

  it('accepts a url that already ends in /serving-endpoints', async () => {
    const { front } = await setup();
    const provider = (await providerSpec.create(databricksConfigSchema.parse({ url: `${front.url}/serving-endpoints/`, api_token: token }), deps)) as OpenAICompatibleProvider;
    cleanups.push(() => provider.close());
    await provider.chatCompletion(chat(), context());
    expect(front.lastRequest()?.path).toBe('/serving-endpoints/chat/completions');
    expect(await provider.health()).toEqual({ status: 'OK' });
  });

  it('prefers databricks_api_token from provider data, and without any token fails before sending', async () => {
    const { provider, front } = await setup({}, { api_token: '' });
    const missing = await provider.chatCompletion(chat(), context()).catch((caught: unknown) => caught);
    expect(missing).toBeInstanceOf(AuthenticationError);
    expect((missing as Error).message).toContain('{"databricks_api_token": "<key>"}');
    expect(front.requests).toHaveLength(0);
    await provider.chatCompletion(chat(), context({ providerData: { databricks_api_token: token } }));
    expect(front.lastRequest()?.headers.authorization).toBe(`Bearer ${token}`);
  });

  it('maps Databricks errors into the closed set', async () => {
    const { provider, server } = await setup();
    await expect(provider.chatCompletion(chat({ model: 'no-such-endpoint' }), context())).rejects.toBeInstanceOf(NotFoundError);
    const rejected = await provider.listModels(context({ providerData: { databricks_api_token: 'dapi-revoked' } })).catch((caught: unknown) => caught);
    expect(rejected).toBeInstanceOf(AuthenticationError);
    expect((rejected as Error).message).not.toContain('dapi-revoked');
    // Three failures outlast the client's two retries.
    server.failNext({ status: 429, message: 'Exceeded workspace rate limit for databricks-meta-llama-3-3-70b-instruct.', code: 'REQUEST_LIMIT_EXCEEDED', times: 3 });
    await expect(provider.chatCompletion(chat(), context())).rejects.toBeInstanceOf(RateLimitError);
    server.reset();
    server.failNext({ status: 503, message: 'The endpoint is scaling up from zero.', code: 'TEMPORARILY_UNAVAILABLE', times: 3 });
    await expect(provider.chatCompletion(chat(), context())).rejects.toMatchObject({ name: 'UpstreamError', upstreamStatus: 503 });
  });
});
