import {
  AuthenticationError,
  createRequestContext,
  InvalidRequestError,
  NotFoundError,
  UnsupportedError,
  UpstreamError,
  type RequestContext,
} from '@stack/core';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest, Completion } from '@stack/inference-api';
import { collect as collectStream, cleanupAfterEach } from '@stack/inference-api/testing';
import { describe, expect, it } from 'vitest';
import {
  createHFEndpointInferenceProvider,
  createHFServerlessInferenceProvider,
  endpointProviderSpec,
  hfEndpointConfigSchema,
  hfServerlessConfigSchema,
  providerSpecs,
  serverlessProviderSpec,
  type HuggingFaceInferenceProvider,
} from './index.js';
import { hubToken, servedRepository, startHuggingFaceFake } from './testing/hugging-face-fake.js';
import { providerTestDependencies } from '@stack/core/testing';

const cleanups = cleanupAfterEach();

const context = (partial: Partial<RequestContext> = {}) => createRequestContext(partial);
const chat = (extra: Record<string, unknown> = {}) =>
  ({ model: servedRepository, messages: [{ role: 'user', content: 'Hello Hub' }], ...extra }) as ChatCompletionRequest;

async function fake(options: Parameters<typeof startHuggingFaceFake>[0] = {}) {
  const started = await startHuggingFaceFake(options);
  cleanups.push(() => started.close());
  return started;
}

function track<T extends HuggingFaceInferenceProvider>(provider: T): T {
  cleanups.push(() => provider.close());
  return provider;
}

describe('Hugging Face provider specs', () => {
  it('exports both reference provider types', () => {
    expect(providerSpecs.map((spec) => spec.providerType)).toEqual(['remote::hf::serverless', 'remote::hf::endpoint']);
    expect(serverlessProviderSpec.api).toBe('inference');
    expect(endpointProviderSpec.api).toBe('inference');
  });

  it('reads the reference config keys after substitution', () => {
    expect(hfServerlessConfigSchema.parse({ huggingface_repo: 'meta-llama/Llama-3.1-8B-Instruct', api_token: 'hf_x', other: 1 })).toEqual({
      huggingface_repo: 'meta-llama/Llama-3.1-8B-Instruct',
      api_token: 'hf_x',
      refresh_models: false,
    });
    expect(hfEndpointConfigSchema.parse({ endpoint_name: 'acme/llama', api_token: '' })).toEqual({
      endpoint_name: 'acme/llama',
      api_token: undefined,
      refresh_models: false,
    });
  });

  it('fail at create without a repository or endpoint name', () => {
    const deps = providerTestDependencies('hf');
    expect(() => serverlessProviderSpec.create(hfServerlessConfigSchema.parse({ huggingface_repo: '' }), deps)).toThrow(InvalidRequestError);
    expect(() => endpointProviderSpec.create(hfEndpointConfigSchema.parse({ endpoint_name: null }), deps)).toThrow(/endpoint_name/);
  });
});

describe('remote::hf::serverless', () => {
  async function setup(config: Record<string, unknown> = {}, options: Parameters<typeof startHuggingFaceFake>[0] = {}) {
    const started = await fake(options);
    const parsed = hfServerlessConfigSchema.parse({ huggingface_repo: servedRepository, api_token: hubToken, ...config });
    return { ...started, provider: track(createHFServerlessInferenceProvider(parsed, { urls: started.urls })) };
  }

  it('lists its one repository as an LLM without calling out', async () => {
    const { provider, front } = await setup();
    expect(await provider.listModels()).toEqual([{ provider_resource_id: servedRepository, model_type: 'llm', metadata: {} }]);
    expect(front.requests).toHaveLength(0);
  });

  it('sends chat to the router with the token and the repository as model', async () => {
    const { provider, front } = await setup();
    const completion = (await provider.chatCompletion(chat({ temperature: 0.3 }), context())) as ChatCompletion;
    expect(completion.choices[0].message.content).toBe('Echo: Hello Hub');
    const recorded = front.lastRequest();
    expect(recorded?.url).toBe('/router/v1/chat/completions');
    expect(recorded?.headers.authorization).toBe(`Bearer ${hubToken}`);
    expect(recorded?.body).toEqual({ model: servedRepository, messages: [{ role: 'user', content: 'Hello Hub' }], temperature: 0.3 });
  });

  it('streams chat', async () => {
    const { provider } = await setup({}, { server: { streamChunks: 4 } });
    const chunks = await collectStream((await provider.chatCompletion(chat({ stream: true }), context())) as AsyncIterable<ChatCompletionChunk>);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta?.content ?? '').join('')).toMatch(/^Echo: Hello Hub/);
  });

  it('refuses other models, text completions and embeddings before calling out', async () => {
    const { provider, front } = await setup();
    await expect(provider.chatCompletion(chat({ model: 'Qwen/Qwen2.5-7B-Instruct' }), context())).rejects.toBeInstanceOf(NotFoundError);
    await expect(provider.completion({ model: servedRepository, prompt: 'x' } as never, context())).rejects.toBeInstanceOf(UnsupportedError);
    await expect(provider.embeddings({ model: servedRepository, input: 'x' } as never, context())).rejects.toBeInstanceOf(UnsupportedError);
    expect(front.requests).toHaveLength(0);
  });

  it('requires a token and maps a rejected one', async () => {
    const missing = await setup({ api_token: '' });
    await expect(missing.provider.chatCompletion(chat(), context())).rejects.toBeInstanceOf(AuthenticationError);
    expect(missing.front.requests).toHaveLength(0);
    const wrong = await setup({ api_token: 'hf_wrong' });
    await expect(wrong.provider.chatCompletion(chat(), context())).rejects.toBeInstanceOf(AuthenticationError);
  });
});

describe('remote::hf::endpoint', () => {
  async function setup(config: Record<string, unknown> = {}, options: Parameters<typeof startHuggingFaceFake>[0] = {}) {
    const started = await fake(options);
    const parsed = hfEndpointConfigSchema.parse({ endpoint_name: 'llama-3-1-8b-instruct-xgv', api_token: hubToken, ...config });
    return { ...started, provider: track(createHFEndpointInferenceProvider(parsed, { urls: started.urls })) };
  }

  it('finds the endpoint of the token’s account and lists its model with MAX_TOTAL_TOKENS', async () => {
    const { provider, front } = await setup();
    expect(await provider.listModels()).toEqual([{ provider_resource_id: servedRepository, model_type: 'llm', metadata: { context_length: 8192 } }]);
    expect(front.requests.map((request) => `${request.method} ${request.url} ${String(request.headers.authorization)}`)).toEqual([
      `GET /api/whoami-v2 Bearer ${hubToken}`,
      `GET /endpoints-api/v2/endpoint/acme-user/llama-3-1-8b-instruct-xgv Bearer ${hubToken}`,
    ]);
  });

  it('uses a namespaced name directly, then calls the endpoint’s /v1 routes once resolved', async () => {
    const { provider, front } = await setup({ endpoint_name: 'acme-user/llama-3-1-8b-instruct-xgv' });
    const completion = (await provider.chatCompletion(chat({ max_tokens: 32 }), context())) as ChatCompletion;
    expect(completion.choices[0].message.content).toBe('Echo: Hello Hub');
    const text = (await provider.completion({ model: servedRepository, prompt: 'Once' } as never, context())) as Completion;
    expect(text.choices[0].text).toBe('Echo: Once');
    expect(front.requests.map((request) => request.url)).toEqual([
      '/endpoints-api/v2/endpoint/acme-user/llama-3-1-8b-instruct-xgv',
      '/endpoint-host/v1/chat/completions',
      '/endpoint-host/v1/completions',
    ]);
    expect(front.requests[1].headers.authorization).toBe(`Bearer ${hubToken}`);
    expect(front.requests[1].body).toEqual({ model: servedRepository, messages: [{ role: 'user', content: 'Hello Hub' }], max_tokens: 32 });
  });

  it('gives TGI’s empty ids a value and streams', async () => {
    const { provider } = await setup(
      {},
      {
        server: { streamChunks: 3 },
        override: (request) =>
          request.url === '/endpoint-host/v1/chat/completions' && !request.body.stream
            ? {
                respond: {
                  status: 200,
                  body: {
                    object: 'chat.completion',
                    id: '',
                    created: 1763790000,
                    model: servedRepository,
                    system_fingerprint: '3.3.6-sha-59c2f3d',
                    choices: [{ index: 0, message: { role: 'assistant', content: 'Hi.' }, logprobs: null, finish_reason: 'stop' }],
                    usage: { prompt_tokens: 12, completion_tokens: 2, total_tokens: 14 },
                  },
                },
              }
            : undefined,
      },
    );
    expect(((await provider.chatCompletion(chat(), context())) as ChatCompletion).id).toMatch(/^chatcmpl-[0-9a-f-]{36}$/);
    const chunks = await collectStream((await provider.chatCompletion(chat({ stream: true }), context())) as AsyncIterable<ChatCompletionChunk>);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta?.content ?? '').join('')).toMatch(/^Echo: Hello Hub/);
  });

  it('reports a paused endpoint, and looks it up again on the next call', async () => {
    const { provider, front } = await setup({}, { endpoint: { status: { state: 'paused', message: 'Endpoint is paused', url: null } } });
    const error = await provider.chatCompletion(chat(), context()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as Error).message).toContain('state: paused');
    expect((await provider.health()).status).toBe('Error');
    await provider.chatCompletion(chat(), context()).catch(() => undefined);
    expect(front.requests.filter((request) => request.url === '/api/whoami-v2')).toHaveLength(3);
  });

  it('maps an unknown endpoint and a rejected token', async () => {
    const missing = await setup({ endpoint_name: 'acme-user/nope' });
    await expect(missing.provider.listModels()).rejects.toBeInstanceOf(NotFoundError);
    const wrong = await setup({ api_token: 'hf_wrong' });
    await expect(wrong.provider.chatCompletion(chat(), context())).rejects.toBeInstanceOf(AuthenticationError);
  });

  it('refuses other models and embeddings', async () => {
    const { provider } = await setup();
    await expect(provider.chatCompletion(chat({ model: 'other/model' }), context())).rejects.toBeInstanceOf(NotFoundError);
    await expect(provider.embeddings({ model: servedRepository, input: 'x' } as never, context())).rejects.toBeInstanceOf(UnsupportedError);
  });
});
