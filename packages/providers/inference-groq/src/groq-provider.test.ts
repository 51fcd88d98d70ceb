import {
  AuthenticationError,
  createRequestContext,
  InvalidRequestError,
  NotFoundError,
  RateLimitError,
  UnsupportedError,
  type RequestContext,
} from '@stack/core';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest } from '@stack/inference-api';
import { collect, cleanupAfterEach } from '@stack/inference-api/testing';
import type { OpenAICompatibleProvider } from '@stack/openai-compatible';
import { startFakeOpenAIServer, type FakeOpenAIServerOptions, startVendorFrontServer } from '@stack/openai-compatible/testing';
import { describe, expect, it } from 'vitest';
import recordedModels from './__fixtures__/groq-models.json' with { type: 'json' };
import { groqBaseURL, groqConfigSchema, providerSpec } from './index.js';
import { providerTestDependencies } from '@stack/core/testing';

const deps = providerTestDependencies('groq');
const key = 'gsk_test0123456789abcdefABCDEF';
const chatModel = 'llama-3.3-70b-versatile';

const cleanups = cleanupAfterEach();

/** The fake behind Groq's own path layout: `/openai/v1/...` on the front, `/v1/...` behind it. */
async function setup(serverOptions: FakeOpenAIServerOptions = {}, config: Record<string, unknown> = {}) {
  const server = await startFakeOpenAIServer({ flavor: 'openai', apiKey: key, models: [{ id: chatModel }], modelsResponse: recordedModels, ...serverOptions });
  cleanups.push(() => server.close());
  const front = await startVendorFrontServer({
    upstreamURL: server.url,
    forwardPath: (path) => (path.startsWith('/openai/v1/') ? path.slice('/openai'.length) : undefined),
  });
  cleanups.push(() => front.close());
  const provider = (await providerSpec.create(groqConfigSchema.parse({ api_key: key, url: front.url, ...config }), deps)) as OpenAICompatibleProvider;
  cleanups.push(() => provider.close());
  return { server, front, provider };
}

const context = (partial: Partial<RequestContext> = {}) => createRequestContext(partial);
const chat = (extra: Record<string, unknown> = {}) =>
  ({ model: chatModel, messages: [{ role: 'user', content: 'Say hi' }], ...extra }) as ChatCompletionRequest;

describe('remote::groq', () => {
  it('reads the reference config and puts the OpenAI API under /openai/v1', () => {
    expect(groqConfigSchema.parse({ api_key: '' })).toEqual({ url: 'https://api.groq.com', api_key: undefined, refresh_models: false });
    expect(groqBaseURL('https://api.groq.com')).toBe('https://api.groq.com/openai/v1');
    expect(groqBaseURL('https://api.groq.com/')).toBe('https://api.groq.com/openai/v1');
    expect(groqBaseURL('https://api.groq.com/openai/v1')).toBe('https://api.groq.com/openai/v1');
  });

  it('lists active language models with their context windows, leaving audio models out', async () => {
    const { provider, front } = await setup();
    expect(await provider.listModels()).toEqual([
      { provider_resource_id: 'llama-3.3-70b-versatile', model_type: 'llm', metadata: { context_length: 131072 } },
      { provider_resource_id: 'llama-3.1-8b-instant', model_type: 'llm', metadata: { context_length: 131072 } },
      { provider_resource_id: 'meta-llama/llama-guard-4-12b', model_type: 'llm', metadata: { context_length: 131072 } },
      { provider_resource_id: 'openai/gpt-oss-120b', model_type: 'llm', metadata: { context_length: 131072 } },
    ]);
    expect(front.lastRequest()).toMatchObject({ method: 'GET', path: '/openai/v1/models', headers: { authorization: `Bearer ${key}` } });
  });

  it('sends chat to /openai/v1/chat/completions, dropping what Groq refuses', async () => {
    const { provider, front } = await setup();
    const request = chat({
      messages: [
        { role: 'system', content: 'Be brief.', name: 'policy' },
        { role: 'user', content: 'Say hi', name: 'alice' },
      ],
      max_tokens: 20,
      store: true,
      prompt_cache_key: 'abc',
      logprobs: false,
      n: 1,
      reasoning_effort: 'default',
    });
    const completion = (await provider.chatCompletion(request, context())) as ChatCompletion;
    expect(completion.choices[0].message.content).toBe('Echo: Say hi');
    expect(front.lastRequest()?.path).toBe('/openai/v1/chat/completions');
    expect(front.lastRequest()?.headers.authorization).toBe(`Bearer ${key}`);
    expect(front.lastRequest()?.body).toEqual({
      model: chatModel,
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Say hi' },
      ],
      max_tokens: 20,
      n: 1,
      reasoning_effort: 'default',
    });
  });

  it('refuses log probabilities, logit bias and n > 1 before sending', async () => {
    const { provider, front } = await setup();
    const failure = (extra: Record<string, unknown>) => provider.chatCompletion(chat(extra), context()).catch((caught: unknown) => caught);
    expect(await failure({ logprobs: true })).toMatchObject({ name: 'InvalidRequestError', param: 'logprobs' });
    expect(await failure({ top_logprobs: 3 })).toMatchObject({ name: 'InvalidRequestError', param: 'top_logprobs' });
    expect(await failure({ logit_bias: { '50256': -100 } })).toBeInstanceOf(InvalidRequestError);
    expect(await failure({ n: 2 })).toMatchObject({ name: 'InvalidRequestError', param: 'n' });
    expect(front.requests).toHaveLength(0);
  });

  it('streams chat with usage at the end', async () => {
    const { provider } = await setup({ streamChunks: 4 });
    const stream = await provider.chatCompletion(chat({ stream: true, stream_options: { include_usage: true } }), context());
    const chunks = await collect(stream as AsyncIterable<ChatCompletionChunk>);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta?.content ?? '').join('')).toMatch(/^Echo: Say hi/);
    expect(chunks.at(-1)?.usage).toMatchObject({ completion_tokens: 4 });
  });

  it('refuses text completions and embeddings, which Groq does not serve', async () => {
    const { provider, front } = await setup();
    await expect(provider.completion({ model: chatModel, prompt: 'Hi' } as never, context())).rejects.toBeInstanceOf(UnsupportedError);
    await expect(provider.embeddings({ model: 'nomic-embed-text', input: 'Hi' } as never, context())).rejects.toBeInstanceOf(UnsupportedError);
    expect(front.requests).toHaveLength(0);
  });

  it('prefers groq_api_key from provider data, and without any key fails before sending', async () => {
    const { provider, front } = await setup({ apiKey: 'gsk_caller' }, { api_key: '' });
    const missing = await provider.chatCompletion(chat(), context()).catch((caught: unknown) => caught);
    expect(missing).toBeInstanceOf(AuthenticationError);
    expect((missing as Error).message).toContain('{"groq_api_key": "<key>"}');
    expect(front.requests).toHaveLength(0);
    await provider.chatCompletion(chat(), context({ providerData: { groq_api_key: 'gsk_caller' } }));
    expect(front.lastRequest()?.headers.authorization).toBe('Bearer gsk_caller');
  });

  it('maps Groq errors into the closed set', async () => {
    const { provider, server } = await setup();
    const missing = await provider.chatCompletion(chat({ model: 'llama-9-999b' }), context()).catch((caught: unknown) => caught);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect((missing as NotFoundError).code).toBe('model_not_found');
    const rejected = await provider.chatCompletion(chat(), context({ providerData: { groq_api_key: 'gsk_revoked' } })).catch((caught: unknown) => caught);
    expect(rejected).toBeInstanceOf(AuthenticationError);
    expect((rejected as Error).message).not.toContain('gsk_revoked');
    // Three failures outlast the client's two retries.
    server.failNext({ status: 429, message: 'Rate limit reached for model `llama-3.3-70b-versatile` on tokens per minute (TPM).', type: 'tokens', code: 'rate_limit_exceeded', times: 3 });
    await expect(provider.chatCompletion(chat(), context())).rejects.toBeInstanceOf(RateLimitError);
    server.reset();
    server.failNext({ status: 503, message: 'Service Unavailable', times: 3 });
    await expect(provider.chatCompletion(chat(), context())).rejects.toMatchObject({ name: 'UpstreamError', upstreamStatus: 503 });
  });
});
