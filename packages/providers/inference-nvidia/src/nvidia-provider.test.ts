import type { ServerResponse } from 'node:http';
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
import type { FetchFunction } from '@stack/openai-compatible';
import { startFakeOpenAIServer, type FakeOpenAIServerOptions, sendVendorJson, startVendorFrontServer, type VendorFrontRequest } from '@stack/openai-compatible/testing';
import { describe, expect, it } from 'vitest';
import hostedModels from './__fixtures__/nvidia-hosted-models.json' with { type: 'json' };
import nimModels from './__fixtures__/nim-llm-models.json' with { type: 'json' };
import {
  createNVIDIAInferenceProvider,
  defaultRerankModelURLs,
  nvidiaConfigSchema,
  providerSpec,
  withDefaultInputType,
  type NVIDIAInferenceProvider,
} from './index.js';
import { providerTestDependencies } from '@stack/core/testing';

const deps = providerTestDependencies('nvidia');
const key = 'nvapi-test0123456789abcdef';
const chatModel = 'meta/llama-3.3-70b-instruct';
const embeddingModel = 'nvidia/nv-embedqa-e5-v5';
const rerankModel = 'nvidia/llama-3.2-nv-rerankqa-1b-v2';

const cleanups = cleanupAfterEach();

/** NIM's ranking API: passages scored by shared words with the query, as raw logits, best first. */
function answerRanking(request: VendorFrontRequest, response: ServerResponse): boolean {
  if (request.method !== 'POST' || !(request.path === '/v1/ranking' || request.path.endsWith('/reranking'))) return false;
  if (request.body?.model !== rerankModel) {
    sendVendorJson(response, 404, { error: `Model ${request.body?.model} not found` });
    return true;
  }
  const words = (text: string) => new Set(text.toLowerCase().match(/[a-z]+/g) ?? []);
  const query = words(request.body.query.text);
  const rankings = (request.body.passages as Array<{ text: string }>)
    .map((passage, index) => ({ index, logit: [...words(passage.text)].filter((word) => query.has(word)).length - 4.25 }))
    .sort((left, right) => right.logit - left.logit);
  sendVendorJson(response, 200, { rankings });
  return true;
}

async function startNIM(serverOptions: FakeOpenAIServerOptions = {}) {
  const server = await startFakeOpenAIServer({
    flavor: 'openai',
    models: [{ id: chatModel }, { id: embeddingModel, type: 'embedding', embeddingDimension: 1024 }],
    ...serverOptions,
  });
  cleanups.push(() => server.close());
  const front = await startVendorFrontServer({
    upstreamURL: server.url,
    handle: answerRanking,
    forwardPath: (path) => (path.startsWith('/v1/') ? path : undefined),
  });
  cleanups.push(() => front.close());
  return { server, front };
}

async function create(config: Record<string, unknown>, fetch?: FetchFunction): Promise<NVIDIAInferenceProvider> {
  const parsed = nvidiaConfigSchema.parse(config);
  const provider = fetch ? createNVIDIAInferenceProvider(parsed, { fetch }) : ((await providerSpec.create(parsed, deps)) as NVIDIAInferenceProvider);
  cleanups.push(() => provider.close());
  return provider;
}

/** Sends what the provider addresses to NVIDIA's hosts to the local front instead. */
function toLocal(frontURL: string): FetchFunction {
  return (input, init) => {
    const url = String(input instanceof Request ? input.url : input).replace(/^https:\/\/(integrate|ai)\.api\.nvidia\.com/, frontURL);
    return globalThis.fetch(url, init);
  };
}

const context = (partial: Partial<RequestContext> = {}) => createRequestContext(partial);
const chat = (extra: Record<string, unknown> = {}) =>
  ({ model: chatModel, messages: [{ role: 'user', content: 'Say hi' }], ...extra }) as ChatCompletionRequest;

describe('remote::nvidia', () => {
  it('reads the reference config with its defaults', () => {
    expect(nvidiaConfigSchema.parse({ url: 'https://integrate.api.nvidia.com', api_key: '', append_api_version: 'True' })).toEqual({
      url: 'https://integrate.api.nvidia.com',
      api_key: undefined,
      timeout: 60,
      append_api_version: true,
      rerank_model_to_url: defaultRerankModelURLs,
      refresh_models: false,
    });
    expect(nvidiaConfigSchema.parse({ append_api_version: 'false', timeout: '15', rerank_model_to_url: { a: 'http://x/ranking' } })).toMatchObject({
      append_api_version: false,
      timeout: 15,
      rerank_model_to_url: { a: 'http://x/ranking' },
    });
  });

  it('talks to a self-hosted NIM at {url}/v1 without a key', async () => {
    const { front } = await startNIM({ modelsResponse: nimModels });
    const provider = await create({ url: front.url });
    expect(await provider.listModels()).toEqual([{ provider_resource_id: 'meta/llama-3.1-8b-instruct', model_type: 'llm', metadata: { context_length: 131072 } }]);
    const completion = (await provider.chatCompletion(chat({ max_tokens: 32 }), context())) as ChatCompletion;
    expect(completion.choices[0].message.content).toBe('Echo: Say hi');
    expect(front.lastRequest()).toMatchObject({ path: '/v1/chat/completions', body: { model: chatModel, max_tokens: 32 } });
    expect(front.lastRequest()?.headers.authorization).toBeUndefined();
  });

  it('uses url as the base when append_api_version is false', async () => {
    const { front } = await startNIM();
    const provider = await create({ url: `${front.url}/v1`, append_api_version: false });
    await provider.chatCompletion(chat(), context());
    expect(front.lastRequest()?.path).toBe('/v1/chat/completions');
  });

  it('streams chat with usage at the end', async () => {
    const { front } = await startNIM({ streamChunks: 4 });
    const provider = await create({ url: front.url });
    const stream = await provider.chatCompletion(chat({ stream: true, stream_options: { include_usage: true } }), context());
    const chunks = await collect(stream as AsyncIterable<ChatCompletionChunk>);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta?.content ?? '').join('')).toMatch(/^Echo: Say hi/);
    expect(chunks.at(-1)?.usage).toMatchObject({ completion_tokens: 4 });
  });

  it("embeds with input_type 'query' unless the caller chose one", async () => {
    const { front } = await startNIM();
    const provider = await create({ url: front.url });
    const response = (await provider.embeddings({ model: embeddingModel, input: ['What is NIM?'] } as never, context())) as EmbeddingsResponse;
    expect((response.data[0].embedding as number[]).length).toBe(1024);
    expect(front.lastRequest()?.body).toEqual({ model: embeddingModel, input: ['What is NIM?'], input_type: 'query' });
    await provider.embeddings({ model: embeddingModel, input: 'A passage.', input_type: 'passage', truncate: 'END' } as never, context());
    expect(front.lastRequest()?.body).toEqual({ model: embeddingModel, input: 'A passage.', input_type: 'passage', truncate: 'END' });
    expect(withDefaultInputType({ model: 'nvidia/nv-embedqa-e5-v5-passage', input: 'x' })).toEqual({ model: 'nvidia/nv-embedqa-e5-v5-passage', input: 'x' });
    expect(withDefaultInputType({ model: 'thenlper/gte-large', input: 'x' })).toEqual({ model: 'thenlper/gte-large', input: 'x' });
  });

  it('reranks on a self-hosted NIM through /v1/ranking', async () => {
    const { front } = await startNIM();
    const provider = await create({ url: front.url });
    const result = await provider.rerank(
      {
        model: rerankModel,
        query: 'how fast is the GPU',
        items: ['Bananas are yellow.', { type: 'text', text: 'The GPU is very fast.' }, 'How fast is a cheetah?'],
        max_num_results: 2,
      },
      context(),
    );
    expect(front.lastRequest()).toMatchObject({
      method: 'POST',
      path: '/v1/ranking',
      body: {
        model: rerankModel,
        query: { text: 'how fast is the GPU' },
        passages: [{ text: 'Bananas are yellow.' }, { text: 'The GPU is very fast.' }, { text: 'How fast is a cheetah?' }],
      },
    });
    expect(result).toEqual({ data: [{ index: 1, relevance_score: -0.25 }, { index: 2, relevance_score: -1.25 }] });
  });

  it('refuses to rerank images, and maps a ranking error', async () => {
    const { front } = await startNIM();
    const provider = await create({ url: front.url });
    const image = { type: 'image_url' as const, image_url: { url: 'data:image/png;base64,AAAA' } };
    await expect(provider.rerank({ model: rerankModel, query: 'q', items: [image] } as never, context())).rejects.toMatchObject({
      name: 'InvalidRequestError',
      param: 'items',
    });
    expect(front.requests).toHaveLength(0);
    await expect(provider.rerank({ model: 'nvidia/unknown-reranker', query: 'q', items: ['a'] }, context())).rejects.toBeInstanceOf(NotFoundError);
  });

  describe('hosted at integrate.api.nvidia.com', () => {
    it('requires a key, naming nvidia_api_key, before sending anything', async () => {
      const { front } = await startNIM();
      const provider = await create({ url: 'https://integrate.api.nvidia.com', api_key: '' }, toLocal(front.url));
      const error = await provider.chatCompletion(chat(), context()).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(AuthenticationError);
      expect((error as Error).message).toContain('{"nvidia_api_key": "<key>"}');
      expect(front.requests).toHaveLength(0);
      await provider.chatCompletion(chat(), context({ providerData: { nvidia_api_key: 'nvapi-caller' } }));
      expect(front.lastRequest()?.headers.authorization).toBe('Bearer nvapi-caller');
    });

    it('lists the catalogue plus the configured rerank models', async () => {
      const { front } = await startNIM({ modelsResponse: hostedModels });
      const provider = await create({ url: 'https://integrate.api.nvidia.com', api_key: key }, toLocal(front.url));
      expect(await provider.listModels()).toEqual([
        { provider_resource_id: 'meta/llama-3.3-70b-instruct', model_type: 'llm', metadata: {} },
        { provider_resource_id: 'meta/llama-3.1-8b-instruct', model_type: 'llm', metadata: {} },
        { provider_resource_id: 'nvidia/llama-3.2-nv-embedqa-1b-v2', model_type: 'embedding', metadata: { embedding_dimension: 2048, context_length: 8192 } },
        { provider_resource_id: 'nvidia/nv-embedqa-e5-v5', model_type: 'embedding', metadata: { embedding_dimension: 1024, context_length: 512 } },
        { provider_resource_id: rerankModel, model_type: 'rerank', metadata: {} },
        { provider_resource_id: 'nv-rerank-qa-mistral-4b:1', model_type: 'rerank', metadata: {} },
        { provider_resource_id: 'nvidia/nv-rerankqa-mistral-4b-v3', model_type: 'rerank', metadata: {} },
      ]);
      expect(front.lastRequest()).toMatchObject({ path: '/v1/models', headers: { authorization: `Bearer ${key}` } });
    });

    it("reranks at the model's own retrieval URL with the key", async () => {
      const { front } = await startNIM();
      const provider = await create({ url: 'https://integrate.api.nvidia.com', api_key: key }, toLocal(front.url));
      const result = await provider.rerank({ model: rerankModel, query: 'fast GPU', items: ['slow CPU', 'fast GPU'] }, context());
      expect(front.lastRequest()).toMatchObject({
        path: '/v1/retrieval/nvidia/llama-3_2-nv-rerankqa-1b-v2/reranking',
        headers: { authorization: `Bearer ${key}` },
      });
      expect(result.data.map((item) => item.index)).toEqual([1, 0]);
    });
  });

  it('maps NIM errors into the closed set', async () => {
    const { front, server } = await startNIM({ apiKey: key });
    const provider = await create({ url: front.url, api_key: key });
    await expect(provider.chatCompletion(chat({ model: 'meta/unknown' }), context())).rejects.toBeInstanceOf(NotFoundError);
    const rejected = await provider.chatCompletion(chat(), context({ providerData: { nvidia_api_key: 'nvapi-revoked' } })).catch((caught: unknown) => caught);
    expect(rejected).toBeInstanceOf(AuthenticationError);
    expect((rejected as Error).message).not.toContain('nvapi-revoked');
    // Three failures outlast the client's two retries.
    server.failNext({ status: 429, message: 'Too Many Requests', times: 3 });
    await expect(provider.chatCompletion(chat(), context())).rejects.toBeInstanceOf(RateLimitError);
    server.reset();
    server.failNext({ status: 422, message: "Input should be 'query' or 'passage'", type: 'validation_error' });
    await expect(provider.embeddings({ model: embeddingModel, input: 'x', input_type: 'document' } as never, context())).rejects.toBeInstanceOf(InvalidRequestError);
  });
});
