import {
  AuthenticationError,
  createRequestContext,
  InvalidRequestError,
  NotFoundError,
  UpstreamError,
  type RequestContext,
} from '@stack/core';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest, Completion, EmbeddingsResponse } from '@stack/inference-api';
import type { OpenAICompatibleProvider } from '@stack/openai-compatible';
import { collect as collectStream, cleanupAfterEach } from '@stack/inference-api/testing';
import { startFakeOpenAIServer, type FakeOpenAIServerOptions, startVendorFront } from '@stack/openai-compatible/testing';
import { describe, expect, it } from 'vitest';
import recordedModels from './__fixtures__/runpod-models.json' with { type: 'json' };
import { providerSpec, runpodConfigSchema } from './index.js';
import { providerTestDependencies } from '@stack/core/testing';

const llm = 'meta-llama/Llama-3.1-8B-Instruct';
const endpointPath = '/v2/vllm-abc123xyz/openai/v1';
const token = 'rpa_TESTTOKEN0123456789';
const deps = providerTestDependencies('runpod');

const cleanups = cleanupAfterEach();

async function createFromRunConfig(block: Record<string, unknown>): Promise<OpenAICompatibleProvider> {
  const provider = (await providerSpec.create(providerSpec.configSchema.parse(block), deps)) as OpenAICompatibleProvider;
  cleanups.push(() => provider.close());
  return provider;
}

/** The OpenAI fake behind RunPod's layout: `/v2/<endpoint-id>/openai/v1/...` reaches the worker's `/v1/...`. */
async function setup(serverOptions: FakeOpenAIServerOptions = {}, config: Record<string, unknown> = {}) {
  const server = await startFakeOpenAIServer({
    flavor: 'vllm',
    apiKey: token,
    models: [
      { id: llm, contextLength: 32768 },
      { id: 'BAAI/bge-small-en-v1.5-embed', type: 'embedding', embeddingDimension: 384 },
    ],
    ...serverOptions,
  });
  cleanups.push(() => server.close());
  const front = await startVendorFront(server.url, (request) =>
    request.url.startsWith(endpointPath)
      ? { forward: `/v1${request.url.slice(endpointPath.length)}` }
      : { respond: { status: 404, body: { error: 'endpoint not found' } } },
  );
  cleanups.push(() => front.close());
  const provider = await createFromRunConfig({ url: `${front.url}${endpointPath}`, api_token: token, ...config });
  return { server, front, provider };
}

const context = (partial: Partial<RequestContext> = {}) => createRequestContext(partial);
const chat = (extra: Record<string, unknown> = {}) =>
  ({ model: llm, messages: [{ role: 'user', content: 'Hello RunPod' }], ...extra }) as ChatCompletionRequest;
const collect = <T>(value: unknown): Promise<T[]> => collectStream(value as AsyncIterable<T>);

describe('remote::runpod', () => {
  describe('config', () => {
    it('reads the reference run config and the later `base_url` name', () => {
      expect(runpodConfigSchema.parse({ url: 'https://api.runpod.ai/v2/abc/openai/v1', api_token: '', extra: true })).toEqual({
        url: 'https://api.runpod.ai/v2/abc/openai/v1',
        api_token: undefined,
        refresh_models: false,
      });
      expect(runpodConfigSchema.parse({ base_url: 'https://api.runpod.ai/v2/def/openai/v1', refresh_models: 'true' })).toMatchObject({
        url: 'https://api.runpod.ai/v2/def/openai/v1',
        refresh_models: true,
      });
    });

    it('fails at create when no URL is configured, naming RUNPOD_URL', async () => {
      const error = await createFromRunConfig({ url: '', api_token: token }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(InvalidRequestError);
      expect((error as Error).message).toContain('RUNPOD_URL');
    });
  });

  it('lists the worker’s models with context lengths, probing embedding sizes', async () => {
    const { provider, front } = await setup();
    expect(await provider.listModels()).toEqual([
      { provider_resource_id: llm, model_type: 'llm', metadata: { context_length: 32768 } },
      { provider_resource_id: 'BAAI/bge-small-en-v1.5-embed', model_type: 'embedding', metadata: { context_length: 8192, embedding_dimension: 384 } },
    ]);
    expect(front.requests.map((request) => `${request.method} ${request.url}`)).toEqual([
      `GET ${endpointPath}/models`,
      `POST ${endpointPath}/embeddings`,
    ]);
  });

  it('lists a recorded worker payload', async () => {
    const { provider } = await setup({ modelsResponse: recordedModels });
    expect(await provider.listModels()).toEqual([{ provider_resource_id: llm, model_type: 'llm', metadata: { context_length: 32768 } }]);
  });

  it('sends chat to the endpoint path with the bearer token and the body unchanged', async () => {
    const { provider, front } = await setup();
    const completion = (await provider.chatCompletion(chat({ temperature: 0.2, top_k: 5 }), context())) as ChatCompletion;
    expect(completion.choices[0].message.content).toBe('Echo: Hello RunPod');
    const recorded = front.lastRequest();
    expect(recorded?.url).toBe(`${endpointPath}/chat/completions`);
    expect(recorded?.headers.authorization).toBe(`Bearer ${token}`);
    expect(recorded?.body).toEqual({ model: llm, messages: [{ role: 'user', content: 'Hello RunPod' }], temperature: 0.2, top_k: 5 });
  });

  it('asks for usage in streams, keeping the caller’s own stream_options', async () => {
    const { provider, front } = await setup({ streamChunks: 4 });
    const chunks = await collect<ChatCompletionChunk>(await provider.chatCompletion(chat({ stream: true }), context()));
    expect(front.lastRequest()?.body.stream_options).toEqual({ include_usage: true });
    expect(chunks.map((chunk) => chunk.choices[0]?.delta?.content ?? '').join('')).toMatch(/^Echo: Hello RunPod/);
    expect(chunks.at(-1)?.usage?.completion_tokens).toBeGreaterThan(0);

    const without = await collect<ChatCompletionChunk>(
      await provider.chatCompletion(chat({ stream: true, stream_options: { include_usage: false } }), context()),
    );
    expect(front.lastRequest()?.body.stream_options).toEqual({ include_usage: false });
    expect(without.some((chunk) => chunk.usage)).toBe(false);
  });

  it('answers text completions and embeddings', async () => {
    const { provider, front } = await setup();
    const completion = (await provider.completion({ model: llm, prompt: 'RunPod is' } as never, context())) as Completion;
    expect(completion.choices[0].text).toBe('Echo: RunPod is');
    expect(front.lastRequest()?.url).toBe(`${endpointPath}/completions`);
    const embeddings = (await provider.embeddings(
      { model: 'BAAI/bge-small-en-v1.5-embed', input: ['a', 'b'], encoding_format: 'float' } as never,
      context(),
    )) as EmbeddingsResponse;
    expect(embeddings.data.map((item) => (item.embedding as number[]).length)).toEqual([384, 384]);
    expect(front.lastRequest()?.url).toBe(`${endpointPath}/embeddings`);
  });

  it('uses runpod_api_token from provider data over the configured token', async () => {
    const { provider, front } = await setup({ apiKey: 'caller-token' });
    await provider.chatCompletion(chat(), context({ providerData: { runpod_api_token: 'caller-token' } }));
    expect(front.lastRequest()?.headers.authorization).toBe('Bearer caller-token');
  });

  it('requires a token before calling out', async () => {
    const { provider, front } = await setup({}, { api_token: '' });
    await expect(provider.chatCompletion(chat(), context())).rejects.toThrow(/runpod_api_token/);
    await expect(provider.chatCompletion(chat(), context())).rejects.toBeInstanceOf(AuthenticationError);
    expect(front.requests).toHaveLength(0);
  });

  it('maps upstream failures to the stack’s errors', async () => {
    const { provider, server } = await setup({}, { api_token: 'wrong' });
    await expect(provider.chatCompletion(chat(), context())).rejects.toBeInstanceOf(AuthenticationError);
    await provider.close();
    const good = await setup();
    await expect(good.provider.chatCompletion(chat({ model: 'missing/model' }), context())).rejects.toBeInstanceOf(NotFoundError);
    good.server.failNext({ status: 500, message: 'worker crashed', times: 3 });
    await expect(good.provider.chatCompletion(chat(), context())).rejects.toBeInstanceOf(UpstreamError);
    expect(server.lastRequest('/v1/chat/completions')?.headers.authorization).toBe('Bearer wrong');
  });
});
