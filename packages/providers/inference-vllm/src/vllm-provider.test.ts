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
import { startFakeOpenAIServer, unusedPort, type FakeOpenAIServerOptions } from '@stack/openai-compatible/testing';
import { describe, expect, it } from 'vitest';
import aliasedModels from './__fixtures__/vllm-models-aliased.json' with { type: 'json' };
import { providerSpec } from './index.js';
import { providerTestDependencies } from '@stack/core/testing';

const llm = 'meta-llama/Llama-3.2-3B-Instruct';
const deps = providerTestDependencies('vllm');

const cleanups = cleanupAfterEach();

/** Parses a run-config block the way it looks after `${env.X:=…}` substitution, then creates. */
async function createFromRunConfig(block: Record<string, unknown>): Promise<OpenAICompatibleProvider> {
  const provider = (await providerSpec.create(providerSpec.configSchema.parse(block), deps)) as OpenAICompatibleProvider;
  cleanups.push(() => provider.close());
  return provider;
}

async function setup(serverOptions: FakeOpenAIServerOptions = {}, config: Record<string, unknown> = {}) {
  const server = await startFakeOpenAIServer({ flavor: 'vllm', ...serverOptions });
  cleanups.push(() => server.close());
  const provider = await createFromRunConfig({ url: server.baseURL, max_tokens: '4096', api_token: 'fake', tls_verify: 'true', ...config });
  return { server, provider };
}

const context = (partial: Partial<RequestContext> = {}) => createRequestContext(partial);
const chat = (extra: Record<string, unknown> = {}) =>
  ({ model: llm, messages: [{ role: 'user', content: 'What is vLLM?' }], ...extra }) as ChatCompletionRequest;

const collect = <T>(value: unknown): Promise<T[]> => collectStream(value as AsyncIterable<T>);

describe('remote::vllm', () => {
  describe('config', () => {
    it('accepts the reference run config after substitution and tolerates unknown keys', () => {
      expect(
        providerSpec.configSchema.parse({ url: 'http://gpu:8000/v1', max_tokens: '2048', api_token: 'fake', tls_verify: 'false', extra: 1 }),
      ).toEqual({ url: 'http://gpu:8000/v1', max_tokens: 2048, api_token: 'fake', tls_verify: false, refresh_models: false });
      expect(providerSpec.configSchema.parse({ url: '' })).toEqual({
        url: undefined,
        max_tokens: 4096,
        api_token: 'fake',
        tls_verify: true,
        refresh_models: false,
      });
      expect(providerSpec.configSchema.parse({ url: null, tls_verify: '/etc/ssl/vllm-ca.pem', refresh_models: 'True' })).toMatchObject({
        tls_verify: '/etc/ssl/vllm-ca.pem',
        refresh_models: true,
      });
    });

    it('fails clearly at create when no URL is configured', async () => {
      const error = await createFromRunConfig({ url: '' }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(InvalidRequestError);
      expect((error as Error).message).toContain('VLLM_URL');
      expect((error as Error).message).toContain("vLLM provider 'vllm'");
    });

    it('fails at create when tls_verify names a missing CA file', async () => {
      await expect(createFromRunConfig({ url: 'https://gpu:8000/v1', tls_verify: '/nonexistent/ca.pem' })).rejects.toThrow(
        /tls_verify names a CA file that does not exist/,
      );
    });
  });

  describe('models', () => {
    it('lists the server’s models with context lengths and embedding dimensions', async () => {
      const { provider } = await setup({
        models: [
          { id: llm, contextLength: 131072 },
          { id: 'nomic-ai/nomic-embed-text-v1.5', type: 'embedding', embeddingDimension: 768 },
          { id: 'acme/custom-embed-v1', type: 'embedding', embeddingDimension: 320, contextLength: 1024 },
        ],
      });
      expect(await provider.listModels()).toEqual([
        { provider_resource_id: llm, model_type: 'llm', metadata: { context_length: 131072 } },
        { provider_resource_id: 'nomic-ai/nomic-embed-text-v1.5', model_type: 'embedding', metadata: { embedding_dimension: 768, context_length: 8192 } },
        // Not in the known table: found by name, sized by a probe embedding.
        { provider_resource_id: 'acme/custom-embed-v1', model_type: 'embedding', metadata: { embedding_dimension: 320, context_length: 1024 } },
      ]);
    });

    it('recognises models served under an alias by their root', async () => {
      const { provider } = await setup({ modelsResponse: aliasedModels });
      expect(await provider.listModels()).toEqual([
        { provider_resource_id: 'chat', model_type: 'llm', metadata: { context_length: 32768 } },
        { provider_resource_id: 'retrieval', model_type: 'embedding', metadata: { embedding_dimension: 384, context_length: 512 } },
        { provider_resource_id: 'BAAI/bge-reranker-v2-m3', model_type: 'rerank', metadata: { context_length: 8192 } },
      ]);
    });
  });

  describe('inference', () => {
    it('answers chat, applying max_tokens from the config and sending the token', async () => {
      const { provider, server } = await setup();
      const completion = (await provider.chatCompletion(chat(), context())) as ChatCompletion;
      expect(completion.choices[0].message.content).toBe('Echo: What is vLLM?');
      const recorded = server.lastRequest('/v1/chat/completions');
      expect(recorded?.body).toEqual({ model: llm, messages: [{ role: 'user', content: 'What is vLLM?' }], max_tokens: 4096 });
      expect(recorded?.headers.authorization).toBe('Bearer fake');
    });

    it('keeps the caller’s max_tokens and forwards vLLM sampling and guided-decoding fields', async () => {
      const { provider, server } = await setup({}, { max_tokens: 512 });
      await provider.chatCompletion(chat({ max_tokens: 3, top_k: 20, repetition_penalty: 1.1, guided_json: { type: 'object' } }), context());
      expect(server.lastRequest()?.body).toMatchObject({ max_tokens: 3, top_k: 20, repetition_penalty: 1.1, guided_json: { type: 'object' } });
      await provider.completion({ model: llm, prompt: 'vLLM is' } as never, context());
      expect(server.lastRequest('/v1/completions')?.body).toEqual({ model: llm, prompt: 'vLLM is', max_tokens: 512 });
    });

    it('streams chat chunks as the server sends them', async () => {
      const { provider, server } = await setup({ streamChunks: 6, chunkDelayMs: 30 });
      const stream = (await provider.chatCompletion(chat({ stream: true }), context())) as AsyncIterable<ChatCompletionChunk>;
      const iterator = stream[Symbol.asyncIterator]();
      expect((await iterator.next()).done).toBe(false);
      expect(server.streams.completed).toBe(0);
      const rest = await collect<ChatCompletionChunk>({ [Symbol.asyncIterator]: () => iterator });
      expect(server.streams.completed).toBe(1);
      expect(rest.map((chunk) => chunk.choices[0]?.delta?.content ?? '').join('')).toMatch(/^Echo: What is vLLM\?/);
    });

    it('answers text completions, plain and streamed', async () => {
      const { provider } = await setup({ streamChunks: 2 });
      const plain = (await provider.completion({ model: llm, prompt: 'vLLM is' } as never, context())) as Completion;
      expect(plain.choices[0].text).toBe('Echo: vLLM is');
      const chunks = await collect<Completion>(await provider.completion({ model: llm, prompt: 'vLLM is', stream: true } as never, context()));
      expect(chunks.map((chunk) => chunk.choices[0]?.text ?? '').join('')).toBe('Echo: vLLM is');
    });

    it('embeds, passing encoding_format through', async () => {
      const { provider, server } = await setup();
      const response = (await provider.embeddings(
        { model: 'nomic-ai/nomic-embed-text-v1.5', input: ['first', 'second'], encoding_format: 'float' } as never,
        context(),
      )) as EmbeddingsResponse;
      expect(response.data.map((item) => (item.embedding as number[]).length)).toEqual([768, 768]);
      expect(server.lastRequest()?.body).toEqual({ model: 'nomic-ai/nomic-embed-text-v1.5', input: ['first', 'second'], encoding_format: 'float' });
    });

    it('uses vllm_api_token from provider data instead of the configured token', async () => {
      const { provider, server } = await setup({ apiKey: 'per-user-token' }, { api_token: 'shared-token' });
      await provider.chatCompletion(chat(), context({ providerData: { vllm_api_token: 'per-user-token' } }));
      expect(server.lastRequest()?.headers.authorization).toBe('Bearer per-user-token');
      await expect(provider.chatCompletion(chat(), context())).rejects.toBeInstanceOf(AuthenticationError);
    });
  });

  describe('errors and cancellation', () => {
    it('maps unknown models, server errors and an unreachable server', async () => {
      const { provider, server } = await setup();
      await expect(provider.chatCompletion(chat({ model: 'not-served' }), context())).rejects.toThrow(NotFoundError);
      server.failNext({ status: 500, message: 'EngineCore encountered an issue.', type: 'InternalServerError', times: 3, retryAfterSeconds: 0 });
      await expect(provider.chatCompletion(chat(), context())).rejects.toMatchObject({
        name: 'UpstreamError',
        upstreamStatus: 500,
        message: `vLLM provider 'vllm' at ${server.baseURL} failed with HTTP 500: EngineCore encountered an issue.`,
      });

      const port = await unusedPort();
      const down = await createFromRunConfig({ url: `http://127.0.0.1:${port}/v1` });
      const error = await down.chatCompletion(chat(), context()).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(UpstreamError);
      expect((error as Error).message).toContain(`http://127.0.0.1:${port}/v1 could not be reached`);
      expect(await down.health()).toMatchObject({ status: 'Error' });
      expect(await provider.health()).toEqual({ status: 'OK' });
    });

    it('closes the stream to vLLM when the caller aborts', async () => {
      const { provider, server } = await setup({ streamChunks: 200, chunkDelayMs: 10 });
      const controller = new AbortController();
      const stream = (await provider.chatCompletion(chat({ stream: true }), context({ signal: controller.signal }))) as AsyncIterable<ChatCompletionChunk>;
      const consumed = (async () => {
        for await (const _chunk of stream) controller.abort();
      })();
      await expect(consumed).rejects.toMatchObject({ name: 'AbortError' });
      await expect.poll(() => server.streams.aborted).toBe(1);
      expect(server.streams.completed).toBe(0);
    });
  });
});

