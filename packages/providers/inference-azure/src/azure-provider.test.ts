import {
  AuthenticationError,
  createRequestContext,
  InvalidRequestError,
  NotFoundError,
  type RequestContext,
} from '@stack/core';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest, EmbeddingsResponse } from '@stack/inference-api';
import type { OpenAICompatibleProvider } from '@stack/openai-compatible';
import { collect as collectStream, cleanupAfterEach } from '@stack/inference-api/testing';
import { describe, expect, it } from 'vitest';
import { azureConfigSchema, azureRoute, providerSpec } from './index.js';
import { azureKey, startAzureFake } from './testing/azure-fake.js';
import { providerTestDependencies } from '@stack/core/testing';

const deps = providerTestDependencies('azure');

const cleanups = cleanupAfterEach();

async function setup(config: Record<string, unknown> = {}) {
  const fake = await startAzureFake({ streamChunks: 3 });
  cleanups.push(() => fake.close());
  const parsed = providerSpec.configSchema.parse({ api_key: azureKey, api_base: fake.front.url, api_version: '', api_type: '', ...config });
  const provider = (await providerSpec.create(parsed, deps)) as OpenAICompatibleProvider;
  cleanups.push(() => provider.close());
  return { ...fake, provider };
}

const context = (partial: Partial<RequestContext> = {}) => createRequestContext(partial);
const chat = (extra: Record<string, unknown> = {}) =>
  ({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello Azure' }], ...extra }) as ChatCompletionRequest;

describe('remote::azure', () => {
  describe('config', () => {
    it('reads the reference run config after substitution, and the later `base_url` name', () => {
      expect(azureConfigSchema.parse({ api_key: 'k', api_base: 'https://res.openai.azure.com', api_version: '', api_type: '' })).toEqual({
        api_key: 'k',
        api_base: 'https://res.openai.azure.com',
        api_version: undefined,
        api_type: 'azure',
        refresh_models: false,
      });
      expect(azureConfigSchema.parse({ base_url: 'https://res.openai.azure.com/openai/v1' }).api_base).toBe('https://res.openai.azure.com/openai/v1');
    });

    it('picks the layout from api_version and tolerates /openai or /openai/v1 in the base', () => {
      expect(azureRoute('https://res.openai.azure.com/', undefined)).toEqual({ root: 'https://res.openai.azure.com', layout: 'v1', apiVersion: undefined });
      expect(azureRoute('https://res.openai.azure.com/openai/v1/', 'preview')).toEqual({ root: 'https://res.openai.azure.com', layout: 'v1', apiVersion: 'preview' });
      expect(azureRoute('https://res.openai.azure.com/openai', 'latest').layout).toBe('v1');
      expect(azureRoute('https://res.openai.azure.com', '2024-12-01-preview')).toEqual({
        root: 'https://res.openai.azure.com',
        layout: 'deployments',
        apiVersion: '2024-12-01-preview',
      });
    });

    it('fails at create without an endpoint, naming AZURE_API_BASE', async () => {
      const error = await Promise.resolve()
        .then(() => providerSpec.create(providerSpec.configSchema.parse({ api_key: 'k', api_base: '' }), deps))
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(InvalidRequestError);
      expect((error as Error).message).toContain('AZURE_API_BASE');
    });
  });

  describe('v1 API (no api_version, as the reference)', () => {
    it('lists inference models by capability, with embedding dimensions', async () => {
      const { provider, front } = await setup();
      expect(await provider.listModels()).toEqual([
        { provider_resource_id: 'gpt-4o-mini', model_type: 'llm', metadata: {} },
        { provider_resource_id: 'text-embedding-3-small', model_type: 'embedding', metadata: { embedding_dimension: 1536, context_length: 8192 } },
        { provider_resource_id: 'o3-mini', model_type: 'llm', metadata: {} },
        { provider_resource_id: 'gpt-35-turbo-instruct-0914', model_type: 'llm', metadata: {} },
      ]);
      expect(front.lastRequest()?.url).toBe('/openai/v1/models');
    });

    it('sends chat to /openai/v1 with the api-key header, renaming max_tokens', async () => {
      const { provider, front } = await setup({ base_url: 'ignored-when-api_base-is-set' });
      const completion = (await provider.chatCompletion(chat({ max_tokens: 40 }), context())) as ChatCompletion;
      expect(completion.choices[0].message.content).toBe('Echo: Hello Azure');
      const recorded = front.lastRequest();
      expect(recorded?.url).toBe('/openai/v1/chat/completions');
      expect(recorded?.headers['api-key']).toBe(azureKey);
      expect(recorded?.headers.authorization).toBeUndefined();
      expect(recorded?.body).toEqual({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello Azure' }], max_completion_tokens: 40 });
    });

    it('adds api-version=preview when asked for preview features', async () => {
      const { provider, front } = await setup({ api_version: 'preview' });
      await provider.chatCompletion(chat(), context());
      expect(front.lastRequest()?.url).toBe('/openai/v1/chat/completions?api-version=preview');
    });

    it('streams chat and embeds', async () => {
      const { provider, front } = await setup();
      const chunks = await collectStream(
        (await provider.chatCompletion(chat({ stream: true, stream_options: { include_usage: true } }), context())) as AsyncIterable<ChatCompletionChunk>,
      );
      expect(chunks.map((chunk) => chunk.choices[0]?.delta?.content ?? '').join('')).toBe('Echo: Hello Azure');
      expect(chunks.at(-1)?.usage?.total_tokens).toBeGreaterThan(0);
      const embeddings = (await provider.embeddings({ model: 'text-embedding-3-small', input: ['a'] } as never, context())) as EmbeddingsResponse;
      expect((embeddings.data[0].embedding as number[]).length).toBe(1536);
      expect(front.lastRequest()?.url).toBe('/openai/v1/embeddings');
    });
  });

  describe('deployment API (dated api_version)', () => {
    it('addresses the deployment in the path with the api-version query', async () => {
      const { provider, front } = await setup({ api_version: '2024-10-21' });
      await provider.chatCompletion(chat({ max_tokens: 12 }), context());
      let recorded = front.lastRequest();
      expect(recorded?.url).toBe('/openai/deployments/gpt-4o-mini/chat/completions?api-version=2024-10-21');
      expect(recorded?.headers['api-key']).toBe(azureKey);
      expect(recorded?.body.max_completion_tokens).toBe(12);

      await provider.embeddings({ model: 'text-embedding-3-small', input: 'x', encoding_format: 'float' } as never, context());
      recorded = front.lastRequest();
      expect(recorded?.url).toBe('/openai/deployments/text-embedding-3-small/embeddings?api-version=2024-10-21');

      expect((await provider.listModels()).map((model) => model.provider_resource_id)).toEqual([
        'gpt-4o-mini',
        'text-embedding-3-small',
        'o3-mini',
        'gpt-35-turbo-instruct-0914',
      ]);
      expect(front.lastRequest()?.url).toBe('/openai/models?api-version=2024-10-21');
      await provider.completion({ model: 'gpt-35-turbo-instruct-0914', prompt: 'Azure is' } as never, context());
      expect(front.lastRequest()?.url).toBe('/openai/deployments/gpt-35-turbo-instruct-0914/completions?api-version=2024-10-21');
    });

    it('keeps max_tokens for versions that predate max_completion_tokens', async () => {
      const { provider, front } = await setup({ api_version: '2024-06-01' });
      await provider.chatCompletion(chat({ max_tokens: 12 }), context());
      expect(front.lastRequest()?.body).toMatchObject({ max_tokens: 12 });
      expect(front.lastRequest()?.body.max_completion_tokens).toBeUndefined();
    });

    it('streams from a deployment', async () => {
      const { provider } = await setup({ api_version: '2024-12-01-preview' });
      const chunks = await collectStream((await provider.chatCompletion(chat({ stream: true }), context())) as AsyncIterable<ChatCompletionChunk>);
      expect(chunks.map((chunk) => chunk.choices[0]?.delta?.content ?? '').join('')).toBe('Echo: Hello Azure');
    });
  });

  describe('credentials and errors', () => {
    it('uses azure_api_key from provider data, and requires some key', async () => {
      const { provider, front } = await setup({ api_key: '' });
      await expect(provider.chatCompletion(chat(), context())).rejects.toThrow(/azure_api_key/);
      expect(front.requests).toHaveLength(0);
      await provider.chatCompletion(chat(), context({ providerData: { azure_api_key: azureKey } }));
      expect(front.lastRequest()?.headers['api-key']).toBe(azureKey);
    });

    it('maps Azure’s 401 and an unknown deployment', async () => {
      const { provider } = await setup({ api_key: 'wrong' });
      const error = await provider.chatCompletion(chat(), context()).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(AuthenticationError);
      expect((error as Error).message).toContain('rejected the API key (HTTP 401)');
      expect((error as Error).message).not.toContain('wrong');
      const good = await setup({ api_version: '2024-10-21' });
      await expect(good.provider.chatCompletion(chat({ model: 'no-such-deployment' }), context())).rejects.toBeInstanceOf(NotFoundError);
    });
  });
});
