import {
  createRequestContext,
  InvalidRequestError,
  NotFoundError,
  UnsupportedError,
  UpstreamError,
  type RequestContext,
} from '@stack/core';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest, Completion } from '@stack/inference-api';
import type { OpenAICompatibleProvider } from '@stack/openai-compatible';
import { collect as collectStream, cleanupAfterEach } from '@stack/inference-api/testing';
import { startFakeOpenAIServer, unusedPort, startVendorFront, type FrontDecision, type FrontRequest } from '@stack/openai-compatible/testing';
import { describe, expect, it } from 'vitest';
import recordedCompletion from './__fixtures__/tgi-chat-completion.json' with { type: 'json' };
import recordedStream from './__fixtures__/tgi-chat-stream.json' with { type: 'json' };
import recordedInfo from './__fixtures__/tgi-info.json' with { type: 'json' };
import { providerSpec, tgiConfigSchema } from './index.js';
import { providerTestDependencies } from '@stack/core/testing';

const llm = recordedInfo.model_id;
const deps = providerTestDependencies('tgi');

const cleanups = cleanupAfterEach();

async function createFromRunConfig(block: Record<string, unknown>): Promise<OpenAICompatibleProvider> {
  const provider = (await providerSpec.create(providerSpec.configSchema.parse(block), deps)) as OpenAICompatibleProvider;
  cleanups.push(() => provider.close());
  return provider;
}

/**
 * A TGI server: `GET /info` answered from the recorded payload, `/v1/*` by the OpenAI fake serving
 * the same model; `override` may answer a request the way TGI itself does (empty ids).
 */
async function setup(options: { info?: Record<string, unknown>; override?: (request: FrontRequest) => FrontDecision | undefined; url?: (root: string) => string } = {}) {
  const server = await startFakeOpenAIServer({ flavor: 'vllm', models: [{ id: llm, contextLength: 8192 }], streamChunks: 3 });
  cleanups.push(() => server.close());
  const info = { ...recordedInfo, ...options.info };
  const front = await startVendorFront(server.url, (request) => {
    const overridden = options.override?.(request);
    if (overridden) return overridden;
    if (request.url === '/info') return { respond: { status: 200, body: info } };
    return { forward: request.url };
  });
  cleanups.push(() => front.close());
  const provider = await createFromRunConfig({ url: options.url ? options.url(front.url) : front.url });
  return { server, front, provider, info };
}

const context = (partial: Partial<RequestContext> = {}) => createRequestContext(partial);
const chat = (extra: Record<string, unknown> = {}) =>
  ({ model: llm, messages: [{ role: 'user', content: 'What is deep learning?' }], ...extra }) as ChatCompletionRequest;

describe('remote::tgi', () => {
  it('reads the reference run config and fails at create without a URL, naming TGI_URL', async () => {
    expect(tgiConfigSchema.parse({ url: 'http://gpu:8080', other: 1 })).toEqual({ url: 'http://gpu:8080', refresh_models: false });
    const error = await createFromRunConfig({ url: '' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as Error).message).toContain('TGI_URL');
  });

  it('lists the one served model from /info with its token limit', async () => {
    const { provider, front } = await setup();
    expect(await provider.listModels()).toEqual([{ provider_resource_id: llm, model_type: 'llm', metadata: { context_length: 8192 } }]);
    expect(front.requests.map((request) => `${request.method} ${request.url}`)).toEqual(['GET /info']);
    expect(await provider.health()).toEqual({ status: 'OK' });
  });

  it('accepts a URL that already ends in /v1', async () => {
    const { provider, front } = await setup({ url: (root) => `${root}/v1/` });
    await provider.chatCompletion(chat(), context());
    expect(front.requests.map((request) => request.url)).toEqual(['/info', '/v1/chat/completions']);
  });

  it('sends chat to /v1/chat/completions unchanged, without an Authorization header', async () => {
    const { provider, front } = await setup();
    const completion = (await provider.chatCompletion(chat({ max_tokens: 64, top_p: 0.95 }), context())) as ChatCompletion;
    expect(completion.choices[0].message.content).toBe('Echo: What is deep learning?');
    const recorded = front.lastRequest('/v1/');
    expect(recorded?.body).toEqual({ model: llm, messages: [{ role: 'user', content: 'What is deep learning?' }], max_tokens: 64, top_p: 0.95 });
    expect(recorded?.headers.authorization).toBeUndefined();
  });

  it('gives TGI’s empty completion ids a value, one per answer across its chunks', async () => {
    const { provider } = await setup({
      override: (request) => {
        if (request.url !== '/v1/chat/completions') return undefined;
        return request.body.stream ? { events: recordedStream } : { respond: { status: 200, body: recordedCompletion } };
      },
    });
    const completion = (await provider.chatCompletion(chat(), context())) as ChatCompletion;
    expect(completion.id).toMatch(/^chatcmpl-[0-9a-f-]{36}$/);
    expect(completion.choices[0].message.content).toBe('Deep learning is a subset of machine learning.');

    const chunks = await collectStream((await provider.chatCompletion(chat({ stream: true }), context())) as AsyncIterable<ChatCompletionChunk>);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta?.content ?? '').join('')).toBe('Deep learning.');
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
    expect(chunks[0].id).toMatch(/^chatcmpl-/);
    expect(chunks[0].id).not.toBe(completion.id);
    expect(chunks.at(-1)?.usage).toEqual({ prompt_tokens: 17, completion_tokens: 3, total_tokens: 20 });
  });

  it('keeps ids the server does send, and answers text completions plain and streamed', async () => {
    const { provider, front } = await setup();
    const plain = (await provider.completion({ model: llm, prompt: 'Deep learning is' } as never, context())) as Completion;
    expect(plain.id).toMatch(/^cmpl-/);
    expect(plain.choices[0].text).toBe('Echo: Deep learning is');
    expect(front.lastRequest()?.url).toBe('/v1/completions');
    const chunks = await collectStream((await provider.completion({ model: llm, prompt: 'Deep learning is', stream: true } as never, context())) as AsyncIterable<Completion>);
    expect(chunks.map((chunk) => chunk.choices[0]?.text ?? '').join('')).toBe('Echo: Deep learning is');
  });

  it('refuses a model the server does not serve, re-reading /info once', async () => {
    const { provider, front } = await setup();
    await provider.chatCompletion(chat(), context());
    await expect(provider.chatCompletion(chat({ model: 'mistralai/Mistral-7B-Instruct-v0.3' }), context())).rejects.toBeInstanceOf(NotFoundError);
    expect(front.requests.map((request) => request.url)).toEqual(['/info', '/v1/chat/completions', '/info']);
  });

  it('refuses embeddings: TGI does not embed', async () => {
    const { provider, front } = await setup();
    await expect(provider.embeddings({ model: llm, input: 'x' } as never, context())).rejects.toBeInstanceOf(UnsupportedError);
    expect(front.requests).toHaveLength(0);
  });

  it('maps TGI’s validation errors and an unreachable server', async () => {
    const { provider } = await setup({
      override: (request) =>
        request.url === '/v1/chat/completions'
          ? { respond: { status: 422, body: { error: 'Input validation error: `temperature` must be strictly positive', error_type: 'validation' } } }
          : undefined,
    });
    const error = await provider.chatCompletion(chat({ temperature: -1 }), context()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as Error).message).toContain('`temperature` must be strictly positive');

    const down = await createFromRunConfig({ url: `http://127.0.0.1:${await unusedPort()}` });
    await expect(down.chatCompletion(chat(), context())).rejects.toBeInstanceOf(UpstreamError);
    expect((await down.health()).status).toBe('Error');
  });
});
