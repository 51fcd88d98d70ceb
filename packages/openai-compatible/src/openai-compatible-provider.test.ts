import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  AuthenticationError,
  createRequestContext,
  InvalidRequestError,
  NotFoundError,
  RateLimitError,
  UpstreamError,
  type RequestContext,
} from '@stack/core';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest, Completion } from '@stack/inference-api';
import { describe, expect, it, vi } from 'vitest';
import { createOpenAICompatibleProvider } from './openai-compatible-provider.js';
import type { OpenAICompatibleSettings } from './openai-compatible-settings.js';
import { embeddingFor } from './testing/fake-generation.js';
import { startFakeOpenAIServer, type FakeOpenAIServerOptions } from './testing/fake-openai-server.js';
import { unusedPort } from './testing/unused-port.js';
import { cleanupAfterEach } from '@stack/inference-api/testing';

const llm = 'meta-llama/Llama-3.2-3B-Instruct';
const embedder = 'nomic-ai/nomic-embed-text-v1.5';
const fixture = (name: string) => fileURLToPath(new URL(`./__fixtures__/${name}`, import.meta.url));

const cleanups = cleanupAfterEach();

async function setup(serverOptions: FakeOpenAIServerOptions = {}, settings: Partial<OpenAICompatibleSettings> = {}) {
  const server = await startFakeOpenAIServer(serverOptions);
  cleanups.push(() => server.close());
  const provider = createOpenAICompatibleProvider({ name: 'test-upstream', baseURL: server.baseURL, ...settings });
  cleanups.push(() => provider.close());
  return { server, provider };
}

const context = (partial: Partial<RequestContext> = {}) => createRequestContext(partial);

function chat(request: Partial<ChatCompletionRequest> & Record<string, unknown> = {}): ChatCompletionRequest {
  return { model: llm, messages: [{ role: 'user', content: 'Hello there' }], ...request } as ChatCompletionRequest;
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

function asStream<T>(value: unknown): AsyncIterable<T> {
  expect(typeof (value as AsyncIterable<T>)[Symbol.asyncIterator]).toBe('function');
  return value as AsyncIterable<T>;
}

/** A port nothing listens on. */

describe('createOpenAICompatibleProvider', () => {
  describe('models', () => {
    it('lists GET /models, classifying known embedding models and keeping max_model_len', async () => {
      const { provider, server } = await setup({}, { embeddingModels: { [embedder]: { embedding_dimension: 768, context_length: 8192 } } });
      expect(await provider.listModels()).toEqual([
        { provider_resource_id: llm, model_type: 'llm', metadata: { context_length: 131072 } },
        { provider_resource_id: embedder, model_type: 'embedding', metadata: { embedding_dimension: 768, context_length: 8192 } },
      ]);
      expect(server.lastRequest()?.path).toBe('/v1/models');
    });

    it('learns unknown embedding dimensions by probing when asked', async () => {
      const { provider } = await setup(
        { models: [{ id: 'acme/custom-embed', type: 'embedding', embeddingDimension: 320 }] },
        {
          probeEmbeddingDimensions: true,
          classifyModel: (model) => ({ provider_resource_id: model.id, model_type: 'embedding', metadata: {} }),
        },
      );
      expect(await provider.listModels()).toEqual([
        { provider_resource_id: 'acme/custom-embed', model_type: 'embedding', metadata: { embedding_dimension: 320 } },
      ]);
    });

    it('lets classifyModel skip entries', async () => {
      const { provider } = await setup({}, { classifyModel: (model) => (model.id === llm ? { provider_resource_id: llm, model_type: 'llm' } : undefined) });
      expect(await provider.listModels()).toEqual([{ provider_resource_id: llm, model_type: 'llm' }]);
    });
  });

  describe('chat completions', () => {
    it('forwards the request as-is, vendor fields included, and returns the upstream answer', async () => {
      const { provider, server } = await setup();
      const request = chat({ temperature: 0.2, top_k: 40, chat_template_kwargs: { enable_thinking: false }, guided_json: { type: 'object' } });
      const completion = (await provider.chatCompletion(request, context())) as ChatCompletion;
      expect(completion.choices[0].message.content).toBe('Echo: Hello there');
      expect(completion.object).toBe('chat.completion');
      expect(server.lastRequest('/v1/chat/completions')?.body).toEqual({
        model: llm,
        messages: [{ role: 'user', content: 'Hello there' }],
        temperature: 0.2,
        top_k: 40,
        chat_template_kwargs: { enable_thinking: false },
        guided_json: { type: 'object' },
      });
    });

    it('streams chunks as they arrive, not after the upstream is done', async () => {
      const { provider, server } = await setup({ streamChunks: 5, chunkDelayMs: 40 });
      const result = await provider.chatCompletion(chat({ stream: true, stream_options: { include_usage: true } }), context());
      const iterator = asStream<ChatCompletionChunk>(result)[Symbol.asyncIterator]();
      const first = await iterator.next();
      expect(first.done).toBe(false);
      // The upstream still has chunks to send (7 frames, 40 ms apart): nothing was buffered.
      expect(server.streams.completed).toBe(0);
      expect(server.openStreams).toBe(1);
      const chunks = [first.value as ChatCompletionChunk];
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) chunks.push(next.value);
      expect(server.streams.completed).toBe(1);
      const text = chunks.map((chunk) => chunk.choices[0]?.delta?.content ?? '').join('');
      expect(text.startsWith('Echo: Hello there')).toBe(true);
      expect(chunks.filter((chunk) => (chunk.choices[0]?.delta?.content ?? '') !== '')).toHaveLength(5);
      expect(chunks.at(-1)?.usage).toMatchObject({ completion_tokens: 5 });
      expect(server.lastRequest()?.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    });

    it('delivers the first chunk before a slow upstream finishes', async () => {
      const { provider } = await setup({ streamChunks: 4, firstChunkDelayMs: 20, chunkDelayMs: 150 });
      const started = performance.now();
      const iterator = asStream<ChatCompletionChunk>(await provider.chatCompletion(chat({ stream: true }), context()))[Symbol.asyncIterator]();
      await iterator.next();
      const firstAfter = performance.now() - started;
      await collect({ [Symbol.asyncIterator]: () => iterator });
      const totalAfter = performance.now() - started;
      // 6 frames 150 ms apart take ≥ 750 ms; the first one must not wait for them.
      expect(firstAfter).toBeLessThan(400);
      expect(totalAfter).toBeGreaterThan(700);
    });

    it('applies defaultMaxTokens only when the request sets no limit', async () => {
      const { provider, server } = await setup({}, { defaultMaxTokens: 4096 });
      await provider.chatCompletion(chat(), context());
      expect(server.lastRequest()?.body.max_tokens).toBe(4096);
      await provider.chatCompletion(chat({ max_tokens: 7 }), context());
      expect(server.lastRequest()?.body.max_tokens).toBe(7);
      await provider.chatCompletion(chat({ max_completion_tokens: 9 }), context());
      expect(server.lastRequest()?.body).toMatchObject({ max_completion_tokens: 9 });
      expect(server.lastRequest()?.body).not.toHaveProperty('max_tokens');
    });

    it('runs adaptRequest before sending', async () => {
      const adaptRequest = vi.fn((request: Record<string, unknown>) => {
        const { logit_bias: _dropped, ...rest } = request;
        return rest;
      });
      const { provider, server } = await setup({}, { adaptRequest });
      await provider.chatCompletion(chat({ logit_bias: { '50256': -100 } }), context());
      expect(adaptRequest).toHaveBeenCalledWith(expect.objectContaining({ model: llm }), 'chat');
      expect(server.lastRequest()?.body).not.toHaveProperty('logit_bias');
    });
  });

  describe('completions and embeddings', () => {
    it('answers text completions, plain and streamed', async () => {
      const { provider, server } = await setup({ streamChunks: 3 }, { defaultMaxTokens: 64 });
      const plain = (await provider.completion({ model: llm, prompt: 'Once upon a time' } as never, context())) as Completion;
      expect(plain.choices[0].text).toBe('Echo: Once upon a time');
      expect(server.lastRequest()?.body).toEqual({ model: llm, prompt: 'Once upon a time', max_tokens: 64 });
      const chunks = await collect(asStream<Completion>(await provider.completion({ model: llm, prompt: 'Once', stream: true } as never, context())));
      expect(chunks.map((chunk) => chunk.choices[0]?.text ?? '').join('')).toBe('Echo: Once word2');
    });

    it('forwards embeddings requests without choosing an encoding for the caller', async () => {
      const { provider, server } = await setup();
      const response = await provider.embeddings({ model: embedder, input: ['a cat', 'a dog'] } as never, context());
      expect(server.lastRequest()?.body).toEqual({ model: embedder, input: ['a cat', 'a dog'] });
      expect(response.data).toHaveLength(2);
      expect(response.data[0].embedding).toEqual(embeddingFor('a cat', 768));
      expect(response.usage).toEqual({ prompt_tokens: 4, total_tokens: 4 });

      const base64 = await provider.embeddings({ model: embedder, input: 'a cat', encoding_format: 'base64' } as never, context());
      expect(typeof base64.data[0].embedding).toBe('string');
    });
  });

  describe('authentication', () => {
    it('sends the configured key as a bearer token, read lazily', async () => {
      const apiKey = vi.fn(() => 'configured-key');
      const { provider, server } = await setup({ apiKey: 'configured-key' }, { apiKey });
      expect(apiKey).not.toHaveBeenCalled();
      await provider.chatCompletion(chat(), context());
      expect(apiKey).toHaveBeenCalled();
      expect(server.lastRequest()?.headers.authorization).toBe('Bearer configured-key');
    });

    it('lets the provider-data field override the configured key for one request', async () => {
      const { provider, server } = await setup({}, { apiKey: () => 'configured-key', providerDataApiKeyField: 'test_api_key' });
      await provider.chatCompletion(chat(), context({ providerData: { test_api_key: 'caller-key' } }));
      expect(server.lastRequest()?.headers.authorization).toBe('Bearer caller-key');
      await provider.embeddings({ model: embedder, input: 'x' } as never, context({ providerData: { other_key: 'ignored' } }));
      expect(server.lastRequest()?.headers.authorization).toBe('Bearer configured-key');
    });

    it('sends no Authorization header when no key is configured and none is required', async () => {
      const { provider, server } = await setup();
      await provider.chatCompletion(chat(), context());
      expect(server.lastRequest()?.headers).not.toHaveProperty('authorization');
    });

    it('fails before calling the upstream when a required key is missing', async () => {
      const { provider, server } = await setup({}, { requireApiKey: true, apiKey: () => '', providerDataApiKeyField: 'test_api_key' });
      const error = await provider.chatCompletion(chat(), context()).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(AuthenticationError);
      expect((error as Error).message).toContain('"test_api_key"');
      expect(server.requests).toHaveLength(0);
    });

    it('sends extra headers and never the OPENAI_* environment of the process', async () => {
      vi.stubEnv('OPENAI_ORG_ID', 'org-from-env');
      vi.stubEnv('OPENAI_API_KEY', 'sk-from-env');
      cleanups.push(async () => vi.unstubAllEnvs());
      const { provider, server } = await setup({}, { headers: () => ({ 'X-Tenant': 'blue' }) });
      await provider.chatCompletion(chat(), context());
      const headers = server.lastRequest()?.headers ?? {};
      expect(headers['x-tenant']).toBe('blue');
      expect(headers).not.toHaveProperty('openai-organization');
      expect(headers).not.toHaveProperty('authorization');
    });
  });

  describe('errors', () => {
    it('maps an unknown model (404) to NotFoundError with the upstream message', async () => {
      const { provider } = await setup();
      const error = await provider.chatCompletion(chat({ model: 'missing/model' }), context()).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(NotFoundError);
      expect((error as Error).message).toBe('The model `missing/model` does not exist.');
      expect((error as Error).cause).toBeDefined();
    });

    it('maps 401 to AuthenticationError without repeating the key', async () => {
      const { provider } = await setup({ apiKey: 'right-key' }, { apiKey: () => 'sk-wrong-secret' });
      const error = await provider.chatCompletion(chat(), context()).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(AuthenticationError);
      expect((error as Error).message).toContain('test-upstream');
      expect((error as Error).message).not.toContain('sk-wrong-secret');
    });

    it('maps 400 to InvalidRequestError keeping the upstream message and param', async () => {
      const { provider } = await setup();
      const error = await provider.chatCompletion(chat({ messages: [] }), context()).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(InvalidRequestError);
      expect(error).toMatchObject({ message: "Invalid 'messages': expected a non-empty array.", param: 'messages' });
    });

    it('maps 429 to RateLimitError and 5xx to UpstreamError with the status, once retries are spent', async () => {
      const { provider, server } = await setup();
      server.failNext({ status: 429, message: 'Slow down.', type: 'rate_limit_error', times: 3, retryAfterSeconds: 0 });
      await expect(provider.chatCompletion(chat(), context())).rejects.toBeInstanceOf(RateLimitError);
      expect(server.requests.filter((request) => request.path === '/v1/chat/completions')).toHaveLength(3);
      server.failNext({ status: 500, message: 'CUDA out of memory.', times: 3, retryAfterSeconds: 0 });
      const error = await provider.chatCompletion(chat({ stream: true }), context()).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(UpstreamError);
      expect(error).toMatchObject({ upstreamStatus: 500 });
      expect((error as Error).message).toBe(`test-upstream at ${server.baseURL} failed with HTTP 500: CUDA out of memory.`);
    });

    it('reuses upstream connections (keep-alive)', async () => {
      const { provider, server } = await setup();
      for (let index = 0; index < 20; index += 1) await provider.chatCompletion(chat(), context());
      for (let index = 0; index < 5; index += 1) await collect(asStream(await provider.chatCompletion(chat({ stream: true }), context())));
      // 25 requests over at most two sockets (the client may open a second while the first drains).
      expect(server.connections).toBeLessThanOrEqual(2);
    });

    it('retries a passing failure with backoff, honouring Retry-After', async () => {
      const { provider, server } = await setup();
      server.failNext({ status: 503, message: 'Loading model.', times: 2, retryAfterSeconds: 1 });
      const started = Date.now();
      const completion = (await provider.chatCompletion(chat(), context())) as ChatCompletion;
      expect(completion.choices[0]?.message.content).toBeTruthy();
      // Two waits of the one second the upstream asked for.
      expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
      expect(server.requests.filter((request) => request.path === '/v1/chat/completions')).toHaveLength(3);
    });

    it('does not retry when retries are turned off, nor a request the upstream rejected as invalid', async () => {
      const { server } = await setup();
      const noRetries = createOpenAICompatibleProvider({ name: 'no-retries', baseURL: server.baseURL, maxRetries: 0 });
      server.failNext({ status: 503, message: 'Loading model.', retryAfterSeconds: 0 });
      await expect(noRetries.chatCompletion(chat(), context())).rejects.toBeInstanceOf(UpstreamError);
      expect(server.requests.filter((request) => request.path === '/v1/chat/completions')).toHaveLength(1);
      await noRetries.close();
      const other = await setup();
      await expect(other.provider.chatCompletion(chat({ model: 'no-such-model' }), context())).rejects.toBeInstanceOf(NotFoundError);
      expect(other.server.requests.filter((request) => request.path === '/v1/chat/completions')).toHaveLength(1);
    });

    it('maps an error frame in the middle of a stream to UpstreamError', async () => {
      const { provider } = await setup({ streamChunks: 5, streamFailure: { afterChunks: 2, mode: 'error-event', message: 'KV cache exhausted.' } });
      const received: ChatCompletionChunk[] = [];
      const error = await (async () => {
        for await (const chunk of asStream<ChatCompletionChunk>(await provider.chatCompletion(chat({ stream: true }), context()))) received.push(chunk);
      })().catch((caught: unknown) => caught);
      expect(received).toHaveLength(2);
      expect(error).toBeInstanceOf(UpstreamError);
      expect((error as Error).message).toContain('failed while streaming: KV cache exhausted.');
    });

    it('maps a connection dropped mid-stream to UpstreamError', async () => {
      const { provider } = await setup({ streamChunks: 5, chunkDelayMs: 5, streamFailure: { afterChunks: 3, mode: 'disconnect' } });
      const stream = asStream<ChatCompletionChunk>(await provider.chatCompletion(chat({ stream: true }), context()));
      const error = await collect(stream).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(UpstreamError);
      expect((error as Error).message).toMatch(/^test-upstream at http:\/\/127\.0\.0\.1:\d+\/v1 failed while answering: terminated/);
    });

    it('keeps messages from error bodies outside the OpenAI envelope', async () => {
      const { provider } = await setup();
      // vLLM's FastAPI answers unknown paths with {"detail":"Not Found"}.
      const error = await provider.upstream.get('/no-such-endpoint').catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(NotFoundError);
      expect((error as Error).message).toBe('Not Found');
    });

    it("reads Google's one-element array error bodies", async () => {
      const google = createOpenAICompatibleProvider({
        name: 'google-like',
        baseURL: 'http://google.test/v1beta/openai',
        maxRetries: 0,
        fetch: async () =>
          new Response(JSON.stringify([{ error: { code: 400, message: 'API key not valid. Please pass a valid API key.', status: 'INVALID_ARGUMENT' } }]), {
            status: 400,
            headers: { 'content-type': 'application/json' },
          }),
      });
      const error = await google.chatCompletion(chat(), context()).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(InvalidRequestError);
      expect((error as Error).message).toBe('API key not valid. Please pass a valid API key.');
    });

    it('maps a refused connection to UpstreamError naming the provider and URL, without credentials', async () => {
      const port = await unusedPort();
      const provider = createOpenAICompatibleProvider({ name: 'test-upstream', baseURL: `http://127.0.0.1:${port}/v1`, apiKey: () => 'sk-secret' });
      const error = await provider.chatCompletion(chat(), context()).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(UpstreamError);
      expect(error).toMatchObject({ code: 'upstream_unreachable', upstreamStatus: undefined });
      expect((error as Error).message).toContain(`test-upstream at http://127.0.0.1:${port}/v1 could not be reached`);
      expect((error as Error).message).toContain('ECONNREFUSED');
      expect((error as Error).message).not.toContain('sk-secret');
    });

    it('refuses a base URL with credentials in it without quoting them', () => {
      const create = () => createOpenAICompatibleProvider({ name: 'test-upstream', baseURL: 'http://user:hunter2@127.0.0.1:8000/v1' });
      expect(create).toThrow(InvalidRequestError);
      expect(create).toThrow(/^test-upstream: the base URL http:\/\/127\.0\.0\.1:8000\/v1 must not carry credentials/);
    });

    it('bounds the wait for response headers, not the length of a stream', async () => {
      const { provider } = await setup({ firstChunkDelayMs: 300 }, { timeoutMs: 100 });
      // A stream's headers come at once; a slow first token must not count as a timeout.
      const chunks = await collect(asStream(await provider.chatCompletion(chat({ stream: true }), context())));
      expect(chunks.length).toBeGreaterThan(2);
      const slow = await setup({}, { timeoutMs: 1, fetch: (input, init) => new Promise((resolve) => setTimeout(() => resolve(fetch(input, init)), 50)) });
      await expect(slow.provider.chatCompletion(chat(), context())).rejects.toMatchObject({ code: 'upstream_timeout' });
    });
  });

  describe('cancellation', () => {
    it('closes the upstream connection when the signal aborts mid-stream', async () => {
      const { provider, server } = await setup({ streamChunks: 100, chunkDelayMs: 20 });
      const controller = new AbortController();
      const stream = asStream<ChatCompletionChunk>(await provider.chatCompletion(chat({ stream: true }), context({ signal: controller.signal })));
      const received: ChatCompletionChunk[] = [];
      const consumed = (async () => {
        for await (const chunk of stream) {
          received.push(chunk);
          if (received.length === 3) controller.abort();
        }
      })();
      const error = await consumed.catch((caught: unknown) => caught);
      expect((error as Error).name).toBe('AbortError');
      await expect.poll(() => server.streams.aborted).toBe(1);
      expect(server.streams.completed).toBe(0);
      expect(received.length).toBeLessThan(10);
    });

    it('closes the upstream connection when the consumer stops iterating', async () => {
      const { provider, server } = await setup({ streamChunks: 100, chunkDelayMs: 20 });
      const stream = asStream<ChatCompletionChunk>(await provider.chatCompletion(chat({ stream: true }), context()));
      for await (const _chunk of stream) break;
      await expect.poll(() => server.streams.aborted).toBe(1);
    });

    it('cancels a request whose response has not started', async () => {
      const { provider, server } = await setup({ streamChunks: 5, firstChunkDelayMs: 2_000 });
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 50);
      const stream = asStream<ChatCompletionChunk>(await provider.chatCompletion(chat({ stream: true }), context({ signal: controller.signal })));
      await expect(collect(stream)).rejects.toMatchObject({ name: 'AbortError' });
      await expect.poll(() => server.streams.aborted).toBe(1);
    });

    it('rejects with the abort reason when aborted before the answer', async () => {
      const { provider } = await setup();
      const controller = new AbortController();
      controller.abort();
      await expect(provider.chatCompletion(chat(), context({ signal: controller.signal }))).rejects.toMatchObject({ name: 'AbortError' });
    });
  });

  describe('health', () => {
    it('is OK when the models endpoint answers and Error otherwise', async () => {
      const { provider, server } = await setup();
      expect(await provider.health()).toEqual({ status: 'OK' });
      expect(server.lastRequest()?.path).toBe('/v1/models');
      const port = await unusedPort();
      const down = createOpenAICompatibleProvider({ name: 'down', baseURL: `http://127.0.0.1:${port}/v1` });
      const health = await down.health();
      expect(health.status).toBe('Error');
      expect(health.message).toContain('could not be reached');
    });
  });

  describe('TLS', () => {
    const tls = { key: readFileSync(fixture('tls/localhost-key.pem')), cert: readFileSync(fixture('tls/localhost-cert.pem')) };

    it('rejects an untrusted certificate by default', async () => {
      const { provider } = await setup({ tls });
      expect(provider.baseURL.startsWith('https://')).toBe(true);
      await expect(provider.listModels()).rejects.toMatchObject({ code: 'upstream_unreachable' });
    });

    it('accepts it with tlsVerify false or with the CA file', async () => {
      const insecure = await setup({ tls }, { tlsVerify: false });
      expect(await insecure.provider.listModels()).toHaveLength(2);
      const pinned = await setup({ tls }, { tlsVerify: fixture('tls/localhost-cert.pem') });
      expect((await pinned.provider.chatCompletion(chat(), context()) as ChatCompletion).choices[0].message.content).toBe('Echo: Hello there');
    });
  });
});
