import {
  AuthenticationError,
  createRequestContext,
  InvalidRequestError,
  NotFoundError,
  type RequestContext,
} from '@stack/core';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest, Completion, EmbeddingsResponse } from '@stack/inference-api';
import { collect as collectStream, cleanupAfterEach } from '@stack/inference-api/testing';
import { describe, expect, it } from 'vitest';
import { passthroughConfigSchema, providerSpec, type PassthroughInferenceProvider } from './index.js';
import { startLlamaStackFake, type LlamaStackFakeOptions } from './testing/llama-stack-fake.js';
import { providerTestDependencies } from '@stack/core/testing';

const llm = 'ollama/llama3.2:3b';
const embedder = 'sentence-transformers/nomic-ai/nomic-embed-text-v1.5';
const deps = providerTestDependencies('passthrough');

const cleanups = cleanupAfterEach();

async function create(block: Record<string, unknown>): Promise<PassthroughInferenceProvider> {
  const provider = await providerSpec.create(passthroughConfigSchema.parse(block), deps);
  cleanups.push(() => provider.close());
  return provider;
}

async function downstream(options: LlamaStackFakeOptions = {}) {
  const fake = await startLlamaStackFake(options);
  cleanups.push(() => fake.close());
  return fake;
}

const context = (partial: Partial<RequestContext> = {}) => createRequestContext(partial);
const chat = (extra: Record<string, unknown> = {}) =>
  ({ model: llm, messages: [{ role: 'user', content: 'Hello downstream' }], ...extra }) as ChatCompletionRequest;

describe('remote::passthrough', () => {
  it('reads the reference run config after substitution', () => {
    expect(passthroughConfigSchema.parse({ url: 'http://stack-b:8321', api_key: '', extra: 1 })).toEqual({
      url: 'http://stack-b:8321',
      api_key: undefined,
      refresh_models: false,
    });
  });

  it('lists the other server’s models with their types and metadata', async () => {
    const fake = await downstream({ apiKey: 'downstream-key' });
    const provider = await create({ url: fake.url, api_key: 'downstream-key' });
    expect(await provider.listModels()).toEqual([
      { provider_resource_id: llm, model_type: 'llm', metadata: { context_length: 131072 } },
      { provider_resource_id: embedder, model_type: 'embedding', metadata: { embedding_dimension: 768 } },
      { provider_resource_id: 'vllm/BAAI/bge-reranker-v2-m3', model_type: 'rerank', metadata: {} },
      { provider_resource_id: 'openai/gpt-4o-mini', model_type: 'llm', metadata: {} },
    ]);
    expect(fake.lastCall()).toMatchObject({ method: 'GET', path: '/v1/models' });
    expect(fake.lastCall()?.headers.authorization).toBe('Bearer downstream-key');
    expect(await provider.health()).toEqual({ status: 'OK' });
  });

  it('forwards chat unchanged to {url}/v1, plain and streamed', async () => {
    const fake = await downstream({ streamChunks: 3 });
    const provider = await create({ url: `${fake.url}/v1/` });
    const completion = (await provider.chatCompletion(chat({ temperature: 0.1, extra_field: { keep: true } }), context())) as ChatCompletion;
    expect(completion.choices[0].message.content).toBe('Echo: Hello downstream');
    expect(fake.lastCall()?.path).toBe('/v1/chat/completions');
    expect(fake.lastCall()?.body).toEqual({ model: llm, messages: [{ role: 'user', content: 'Hello downstream' }], temperature: 0.1, extra_field: { keep: true } });
    expect(fake.lastCall()?.headers.authorization).toBeUndefined();

    const chunks = await collectStream(
      (await provider.chatCompletion(chat({ stream: true, stream_options: { include_usage: true } }), context())) as AsyncIterable<ChatCompletionChunk>,
    );
    expect(chunks.map((chunk) => chunk.choices[0]?.delta?.content ?? '').join('')).toBe('Echo: Hello downstream');
    expect(chunks.at(-1)?.usage?.total_tokens).toBeGreaterThan(0);
  });

  it('forwards text completions and embeddings', async () => {
    const fake = await downstream({ streamChunks: 2 });
    const provider = await create({ url: fake.url });
    const text = (await provider.completion({ model: llm, prompt: 'Stacks are' } as never, context())) as Completion;
    expect(text.choices[0].text).toBe('Echo: Stacks are');
    const streamed = await collectStream((await provider.completion({ model: llm, prompt: 'Stacks are', stream: true } as never, context())) as AsyncIterable<Completion>);
    expect(streamed.map((chunk) => chunk.choices[0]?.text ?? '').join('')).toBe('Echo: Stacks are');
    const embeddings = (await provider.embeddings({ model: embedder, input: ['a', 'b'], encoding_format: 'float' } as never, context())) as EmbeddingsResponse;
    expect(embeddings.data.map((item) => (item.embedding as number[]).length)).toEqual([768, 768]);
    expect(fake.lastCall()?.body).toEqual({ model: embedder, input: ['a', 'b'], encoding_format: 'float' });
  });

  it('takes the server and key from provider data when the config leaves them unset', async () => {
    const first = await downstream({ apiKey: 'key-a' });
    const second = await downstream({ apiKey: 'key-b' });
    const provider = await create({});
    expect(await provider.listModels()).toEqual([]);
    expect((await provider.health()).status).toBe('Not Implemented');
    await expect(provider.chatCompletion(chat(), context())).rejects.toThrow(/passthrough_url/);
    await expect(provider.chatCompletion(chat(), context())).rejects.toBeInstanceOf(InvalidRequestError);

    await provider.chatCompletion(chat(), context({ providerData: { passthrough_url: first.url, passthrough_api_key: 'key-a' } }));
    await provider.chatCompletion(chat(), context({ providerData: { passthrough_url: second.url, passthrough_api_key: 'key-b' } }));
    expect(first.calls).toHaveLength(1);
    expect(second.calls).toHaveLength(1);
    expect(second.lastCall()?.headers.authorization).toBe('Bearer key-b');
    const listed = await provider.listModels(context({ providerData: { passthrough_url: first.url, passthrough_api_key: 'key-a' } }));
    expect(listed).toHaveLength(4);
  });

  it('prefers the configured key and URL over provider data, as the reference does', async () => {
    const fake = await downstream({ apiKey: 'configured' });
    const other = await downstream();
    const provider = await create({ url: fake.url, api_key: 'configured' });
    await provider.chatCompletion(chat(), context({ providerData: { passthrough_url: other.url, passthrough_api_key: 'caller' } }));
    expect(fake.lastCall()?.headers.authorization).toBe('Bearer configured');
    expect(other.calls).toHaveLength(0);
  });

  it('maps the other server’s errors', async () => {
    const fake = await downstream({ apiKey: 'right' });
    const wrong = await create({ url: fake.url, api_key: 'wrong' });
    await expect(wrong.chatCompletion(chat(), context())).rejects.toBeInstanceOf(AuthenticationError);
    const provider = await create({ url: fake.url, api_key: 'right' });
    const error = await provider.chatCompletion(chat({ model: 'ollama/missing' }), context()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as Error).message).toContain("Model 'ollama/missing' not found");
  });

  it('closes the downstream stream when the caller stops reading', async () => {
    const fake = await downstream({ streamChunks: 20, chunkDelayMs: 30 });
    const provider = await create({ url: fake.url });
    const stream = (await provider.chatCompletion(chat({ stream: true }), context())) as AsyncIterable<ChatCompletionChunk>;
    for await (const chunk of stream) {
      expect(chunk.object).toBe('chat.completion.chunk');
      break;
    }
    await expect.poll(() => fake.abortedStreams).toBe(1);
  });
});
