import {
  AuthenticationError,
  createRequestContext,
  InvalidRequestError,
  NotFoundError,
  RateLimitError,
  silentLogger,
  UnsupportedError,
  type ProviderDependencies,
  type RequestContext,
} from '@stack/core';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest } from '@stack/inference-api';
import { collect, cleanupAfterEach } from '@stack/inference-api/testing';
import { describe, expect, it } from 'vitest';
import recordedChat from './__fixtures__/bedrock-chat-completion.json' with { type: 'json' };
import expiredKey from './__fixtures__/bedrock-error-expired-key.json' with { type: 'json' };
import { bedrockChatModel, startFakeBedrock } from './bedrock-fake-server.js';
import { sendVendorJson, startVendorFrontServer } from '@stack/openai-compatible/testing';
import { bedrockConfigSchema, createBedrockInferenceProvider, providerSpec, type BedrockInferenceProvider } from './index.js';

const key = 'ABSKQmVkcm9ja0FQSUtleS10ZXN0';
const cleanups = cleanupAfterEach();

async function setup(config: Record<string, unknown> = { api_key: key }, serverKey = key) {
  const fake = await startFakeBedrock(serverKey, { streamChunks: 5 });
  cleanups.push(() => fake.close());
  const provider = createBedrockInferenceProvider(bedrockConfigSchema.parse(config), { baseURL: fake.baseURL });
  cleanups.push(() => provider.close());
  return { fake, provider };
}

async function frontAnswering(status: number, body: unknown) {
  const front = await startVendorFrontServer({
    upstreamURL: 'http://127.0.0.1:9',
    forwardPath: () => undefined,
    handle: (_request, response) => (sendVendorJson(response, status, body), true),
  });
  cleanups.push(() => front.close());
  return `${front.url}/openai/v1`;
}

const context = (partial: Partial<RequestContext> = {}) => createRequestContext(partial);
const chat = (extra: Record<string, unknown> = {}) =>
  ({ model: bedrockChatModel, messages: [{ role: 'user', content: 'Say hi' }], ...extra }) as ChatCompletionRequest;

describe('remote::bedrock', () => {
  it('reads the reference config: region_name defaults to us-east-2 and must be a region', () => {
    const previous = process.env.AWS_DEFAULT_REGION;
    delete process.env.AWS_DEFAULT_REGION;
    try {
      expect(bedrockConfigSchema.parse({ api_key: '', region_name: '' })).toEqual({ api_key: undefined, region_name: 'us-east-2' });
      process.env.AWS_DEFAULT_REGION = 'eu-west-1';
      expect(bedrockConfigSchema.parse({}).region_name).toBe('eu-west-1');
    } finally {
      if (previous === undefined) delete process.env.AWS_DEFAULT_REGION;
      else process.env.AWS_DEFAULT_REGION = previous;
    }
    expect(bedrockConfigSchema.parse({ api_key: 'k', region_name: 'us-west-2', aws_role_arn: '' })).toEqual({ api_key: 'k', region_name: 'us-west-2' });
    expect(bedrockConfigSchema.safeParse({ region_name: 'evil.example.com/x' }).success).toBe(false);
    expect(providerSpec.providerDataSchema?.parse({ aws_bearer_token_bedrock: 'ABSK1' })).toMatchObject({ aws_bearer_token_bedrock: 'ABSK1' });
  });

  it('puts the region in the endpoint host', async () => {
    const provider = (await providerSpec.create(providerSpec.configSchema.parse({ api_key: key, region_name: 'us-west-2' }), {
      providerId: 'bedrock',
      logger: silentLogger,
    } as ProviderDependencies)) as BedrockInferenceProvider;
    cleanups.push(() => provider.close());
    expect(provider.baseURL).toBe('https://bedrock-runtime.us-west-2.amazonaws.com/openai/v1');
    expect(provider.listModels).toBeUndefined();
    expect(await provider.health()).toMatchObject({ status: 'Not Implemented' });
  });

  it('sends chat to /openai/v1/chat/completions with the API key as a bearer token', async () => {
    const { provider, fake } = await setup();
    const completion = (await provider.chatCompletion(chat({ max_tokens: 40, temperature: 0.5 }), context())) as ChatCompletion;
    expect(completion.choices[0].message.content).toMatch(/^Echo: Say hi/);
    const recorded = fake.front.requests.at(-1);
    expect(recorded?.path).toBe('/openai/v1/chat/completions');
    expect(recorded?.headers.authorization).toBe(`Bearer ${key}`);
    expect(recorded?.body).toEqual({ model: bedrockChatModel, messages: [{ role: 'user', content: 'Say hi' }], max_tokens: 40, temperature: 0.5 });
  });

  it("keeps Bedrock's fields, such as reasoning, in the answer", async () => {
    const baseURL = await frontAnswering(200, recordedChat);
    const provider = createBedrockInferenceProvider(bedrockConfigSchema.parse({ api_key: key }), { baseURL });
    cleanups.push(() => provider.close());
    expect(await provider.chatCompletion(chat(), context())).toEqual(recordedChat);
  });

  it('streams chat chunks with usage last', async () => {
    const { provider } = await setup();
    const stream = await provider.chatCompletion(chat({ stream: true, stream_options: { include_usage: true } }), context());
    const chunks = await collect(stream as AsyncIterable<ChatCompletionChunk>);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta?.content ?? '').join('')).toMatch(/^Echo: Say hi/);
    expect(chunks.at(-1)?.usage).toMatchObject({ completion_tokens: 5 });
  });

  it('uses aws_bearer_token_bedrock from provider data; without any key fails naming it', async () => {
    const { provider, fake } = await setup({}, 'ABSKcaller');
    const error = await provider.chatCompletion(chat(), context()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as Error).message).toContain('{"aws_bearer_token_bedrock": "<key>"}');
    expect(fake.front.requests).toHaveLength(0);
    await provider.chatCompletion(chat(), context({ providerData: { aws_bearer_token_bedrock: 'ABSKcaller' } }));
    expect(fake.front.requests.at(-1)?.headers.authorization).toBe('Bearer ABSKcaller');
  });

  it('refuses completions and embeddings without calling Bedrock', async () => {
    const { provider, fake } = await setup();
    await expect(provider.completion({ model: bedrockChatModel, prompt: 'Hi' } as never, context())).rejects.toBeInstanceOf(UnsupportedError);
    await expect(provider.embeddings({ model: 'amazon.titan-embed-text-v2:0', input: 'Hi' } as never, context())).rejects.toBeInstanceOf(UnsupportedError);
    expect(fake.front.requests).toHaveLength(0);
  });

  it("maps Bedrock's errors, never quoting the key", async () => {
    const { provider, fake } = await setup();
    await expect(provider.chatCompletion(chat({ model: 'meta.llama9' }), context())).rejects.toBeInstanceOf(NotFoundError);
    fake.openai.failNext({ status: 429, message: 'Too many requests, please wait before trying again.', type: 'ThrottlingException', times: 3, retryAfterSeconds: 0 });
    await expect(provider.chatCompletion(chat(), context())).rejects.toBeInstanceOf(RateLimitError);
    fake.openai.failNext({ status: 400, message: 'The model returned the following errors: max_tokens is too large', type: 'ValidationException' });
    await expect(provider.chatCompletion(chat(), context())).rejects.toBeInstanceOf(InvalidRequestError);

    const expired = createBedrockInferenceProvider(bedrockConfigSchema.parse({ api_key: 'ABSKexpired' }), { baseURL: await frontAnswering(403, expiredKey) });
    cleanups.push(() => expired.close());
    const error = await expired.chatCompletion(chat(), context()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as Error).message).not.toContain('ABSKexpired');
  });
});
