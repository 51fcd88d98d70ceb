import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AuthenticationError,
  createRequestContext,
  NotFoundError,
  RateLimitError,
  type RequestContext,
} from '@stack/core';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest, EmbeddingsResponse } from '@stack/inference-api';
import { collect, cleanupAfterEach } from '@stack/inference-api/testing';
import type { OpenAICompatibleProvider } from '@stack/openai-compatible';
import { startFakeOpenAIServer, type FakeOpenAIServerOptions } from '@stack/openai-compatible/testing';
import { describe, expect, it } from 'vitest';
import recordedModels from './__fixtures__/sambanova-models.json' with { type: 'json' };
import { providerSpec, sambanovaConfigSchema } from './index.js';
import { providerTestDependencies } from '@stack/core/testing';

const deps = providerTestDependencies('sambanova');
const key = 'sn-test-0123456789abcdef';
const chatModel = 'Meta-Llama-3.3-70B-Instruct';
const embeddingModel = 'E5-Mistral-7B-Instruct';
/** The 8-byte PNG signature plus an IHDR chunk header: enough to stand for an image. */
const pngBytes = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

const cleanups = cleanupAfterEach();

async function setup(serverOptions: FakeOpenAIServerOptions = {}, config: Record<string, unknown> = {}) {
  const server = await startFakeOpenAIServer({
    flavor: 'openai',
    apiKey: key,
    models: [{ id: chatModel }, { id: embeddingModel, type: 'embedding', embeddingDimension: 4096 }],
    ...serverOptions,
  });
  cleanups.push(() => server.close());
  const provider = (await providerSpec.create(sambanovaConfigSchema.parse({ api_key: key, url: server.baseURL, ...config }), deps)) as OpenAICompatibleProvider;
  cleanups.push(() => provider.close());
  return { server, provider };
}

/** A web server holding one PNG at /cat.png; everything else is 404. */
async function startImageServer() {
  const server = createServer((request, response) => {
    if (request.url !== '/cat.png') {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'image/png', 'content-length': pngBytes.length }).end(pngBytes);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const context = (partial: Partial<RequestContext> = {}) => createRequestContext(partial);
const chat = (extra: Record<string, unknown> = {}) =>
  ({ model: chatModel, messages: [{ role: 'user', content: 'Say hi' }], ...extra }) as ChatCompletionRequest;

describe('remote::sambanova', () => {
  it('reads the reference config with its defaults', () => {
    expect(sambanovaConfigSchema.parse({ api_key: '' })).toEqual({ url: 'https://api.sambanova.ai/v1', api_key: undefined, refresh_models: false });
  });

  it('lists models with context lengths, E5-Mistral as a 4096-dimension embedding model', async () => {
    const { provider, server } = await setup({ modelsResponse: recordedModels });
    expect(await provider.listModels()).toEqual([
      { provider_resource_id: chatModel, model_type: 'llm', metadata: { context_length: 131072 } },
      { provider_resource_id: 'Meta-Llama-3.1-8B-Instruct', model_type: 'llm', metadata: { context_length: 16384 } },
      { provider_resource_id: 'Llama-4-Maverick-17B-128E-Instruct', model_type: 'llm', metadata: { context_length: 131072 } },
      { provider_resource_id: embeddingModel, model_type: 'embedding', metadata: { embedding_dimension: 4096, context_length: 4096 } },
    ]);
    expect(server.lastRequest('/v1/models')?.headers.authorization).toBe(`Bearer ${key}`);
  });

  it('sends chat with the bearer key and streams with usage', async () => {
    const { provider, server } = await setup({ streamChunks: 3 });
    const completion = (await provider.chatCompletion(chat({ max_tokens: 30, top_k: 5 }), context())) as ChatCompletion;
    expect(completion.choices[0].message.content).toBe('Echo: Say hi');
    expect(server.lastRequest('/v1/chat/completions')).toMatchObject({
      headers: { authorization: `Bearer ${key}` },
      body: { model: chatModel, messages: [{ role: 'user', content: 'Say hi' }], max_tokens: 30, top_k: 5 },
    });
    const stream = await provider.chatCompletion(chat({ stream: true, stream_options: { include_usage: true } }), context());
    const chunks = await collect(stream as AsyncIterable<ChatCompletionChunk>);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta?.content ?? '').join('')).toMatch(/^Echo: Say hi/);
    expect(chunks.at(-1)?.usage).toMatchObject({ completion_tokens: 3 });
  });

  it('downloads remote images and sends them inline, leaving data URLs alone', async () => {
    const images = await startImageServer();
    const { provider, server } = await setup();
    const inline = 'data:image/jpeg;base64,/9j/4AAQ';
    const messages = [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is in these images?' },
          { type: 'image_url', image_url: { url: `${images}/cat.png`, detail: 'low' } },
          { type: 'image_url', image_url: { url: inline } },
        ],
      },
    ];
    await provider.chatCompletion(chat({ messages }), context());
    expect(server.lastRequest('/v1/chat/completions')?.body.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is in these images?' },
          { type: 'image_url', image_url: { url: `data:image/png;base64,${pngBytes.toString('base64')}`, detail: 'low' } },
          { type: 'image_url', image_url: { url: inline } },
        ],
      },
    ]);
  });

  it('fails with InvalidRequestError when an image cannot be downloaded, sending nothing', async () => {
    const images = await startImageServer();
    const { provider, server } = await setup();
    const messages = [{ role: 'user', content: [{ type: 'image_url', image_url: { url: `${images}/missing.png` } }] }];
    const error = await provider.chatCompletion(chat({ messages }), context()).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: 'InvalidRequestError', code: 'invalid_image_url', message: expect.stringContaining('HTTP 404') });
    expect(server.requests).toHaveLength(0);
  });

  it('embeds text', async () => {
    const { provider, server } = await setup();
    const response = (await provider.embeddings({ model: embeddingModel, input: ['a', 'b'] } as never, context())) as EmbeddingsResponse;
    expect(response.data.map((item) => (item.embedding as number[]).length)).toEqual([4096, 4096]);
    expect(server.lastRequest('/v1/embeddings')?.body).toEqual({ model: embeddingModel, input: ['a', 'b'] });
  });

  it('prefers sambanova_api_key from provider data, and without any key fails before sending', async () => {
    const { provider, server } = await setup({ apiKey: 'sn-caller' }, { api_key: '' });
    const missing = await provider.chatCompletion(chat(), context()).catch((caught: unknown) => caught);
    expect(missing).toBeInstanceOf(AuthenticationError);
    expect((missing as Error).message).toContain('{"sambanova_api_key": "<key>"}');
    expect(server.requests).toHaveLength(0);
    await provider.chatCompletion(chat(), context({ providerData: { sambanova_api_key: 'sn-caller' } }));
    expect(server.lastRequest()?.headers.authorization).toBe('Bearer sn-caller');
  });

  it('maps SambaNova errors into the closed set', async () => {
    const { provider, server } = await setup();
    await expect(provider.chatCompletion(chat({ model: 'Meta-Llama-9' }), context())).rejects.toBeInstanceOf(NotFoundError);
    const rejected = await provider.chatCompletion(chat(), context({ providerData: { sambanova_api_key: 'sn-revoked' } })).catch((caught: unknown) => caught);
    expect(rejected).toBeInstanceOf(AuthenticationError);
    expect((rejected as Error).message).not.toContain('sn-revoked');
    // Three failures outlast the client's two retries.
    server.failNext({ status: 429, message: 'Rate limit exceeded', type: 'rate_limit_exceeded', times: 3 });
    await expect(provider.chatCompletion(chat(), context())).rejects.toBeInstanceOf(RateLimitError);
    server.reset();
    server.failNext({ status: 503, message: 'Service Unavailable', times: 3 });
    await expect(provider.chatCompletion(chat(), context())).rejects.toMatchObject({ name: 'UpstreamError', upstreamStatus: 503 });
  });
});
