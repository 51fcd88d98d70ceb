import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigurationError, InvalidRequestError, NotFoundError, createRequestContext, defineProvider, generateId, parseRunConfig, silentLogger } from '@stack/core';
import type { ChatCompletion, ChatCompletionChunk, DiscoveredModel, InferenceProvider } from '@stack/inference-api';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createStack, createStackFromRunConfig } from './create-stack.js';

/**
 * An in-process inference provider written for these tests: it answers with the model id it was
 * given, so routing can be observed.
 */
function echoProvider(events: string[] = []) {
  return defineProvider({
    api: 'inference',
    providerType: 'inline::echo',
    configSchema: z.object({ models: z.array(z.string()).default(['small']), api_key: z.string().nullish() }),
    providerDataSchema: z.looseObject({ echo_api_key: z.string().nullish() }),
    create: (config, deps): InferenceProvider => {
      events.push(`create ${deps.providerId}`);
      return {
        async chatCompletion(request) {
          if (request.stream) {
            return (async function* () {
              for (const [index, piece] of ['served ', 'in ', 'pieces'].entries()) {
                yield { id: 'chatcmpl-stream', object: 'chat.completion.chunk', created: 2, model: request.model, choices: [{ index: 0, delta: { content: piece }, finish_reason: index === 2 ? 'stop' : null }] } as ChatCompletionChunk;
              }
            })();
          }
          return {
            id: generateId('chatcmpl'),
            object: 'chat.completion',
            created: 1,
            model: request.model,
            choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: `served by ${deps.providerId} as ${request.model}` } }],
          } as ChatCompletion;
        },
        async completion() {
          throw new InvalidRequestError('not used here');
        },
        async embeddings(request) {
          return { object: 'list', model: request.model, data: [{ object: 'embedding', index: 0, embedding: [1, 0] }], usage: { prompt_tokens: 1, total_tokens: 1 } };
        },
        async rerank(request) {
          const scored = request.items.map((item, index) => ({ index, relevance_score: String(item).length }));
          return { data: scored.sort((a, b) => b.relevance_score - a.relevance_score) };
        },
        async listModels(): Promise<DiscoveredModel[]> {
          return [
            { provider_resource_id: 'ranker', model_type: 'rerank' as const },
            ...config.models.map((id) => ({ provider_resource_id: id, model_type: 'llm' as const })),
            { provider_resource_id: 'embed', model_type: 'embedding' as const, metadata: { embedding_dimension: 2 } },
          ];
        },
        close() {
          events.push(`close ${deps.providerId}`);
        },
      };
    },
  });
}

const ask = (content: string) => ({ messages: [{ role: 'user' as const, content }] });

describe('createStack', () => {
  it('routes by registered model, by provider prefix, and discovers models', async () => {
    const spec = echoProvider();
    const stack = await createStack({
      providers: { inference: [{ providerId: 'a', spec }, { providerId: 'b', spec, config: { models: ['big'] } }] },
      registeredResources: { models: [{ model_id: 'my-model', provider_id: 'b', provider_model_id: 'big' }] },
    });
    try {
      const listed = await stack.models.listModels();
      expect(listed.data.map((model) => model.id).sort()).toEqual(['a/embed', 'a/ranker', 'a/small', 'b/big', 'b/embed', 'b/ranker', 'my-model']);
      expect(listed.data.find((model) => model.id === 'a/embed')?.custom_metadata).toMatchObject({ model_type: 'embedding', embedding_dimension: 2, provider_id: 'a' });

      const viaAlias = (await stack.inference.chatCompletion({ model: 'my-model', ...ask('hi') })) as ChatCompletion;
      expect(viaAlias.choices[0]?.message.content).toBe('served by b as big');
      const viaPrefix = (await stack.inference.chatCompletion({ model: 'a/not-listed-yet', ...ask('hi') })) as ChatCompletion;
      expect(viaPrefix.choices[0]?.message.content).toBe('served by a as not-listed-yet');

      await expect(stack.inference.chatCompletion({ model: 'nobody/knows', ...ask('hi') })).rejects.toThrowError(NotFoundError);
      await expect(stack.inference.chatCompletion({ model: 'a/embed', ...ask('hi') })).rejects.toThrowError(/embedding model/);
      // Backends decide whether an LLM-typed model embeds (vLLM lists embedding models as plain models).
      expect((await stack.inference.embeddings({ model: 'a/small', input: 'x' })).model).toBe('small');
      expect((await stack.inference.embeddings({ model: 'a/embed', input: 'x' }, createRequestContext())).model).toBe('embed');
      expect(await stack.inference.rerank({ model: 'a/ranker', query: 'q', items: ['ab', 'abcd', 'a'] })).toEqual({
        data: [
          { index: 1, relevance_score: 4 },
          { index: 0, relevance_score: 2 },
          { index: 2, relevance_score: 1 },
        ],
      });
      await expect(stack.inference.rerank({ model: 'a/small', query: 'q', items: ['x'] })).rejects.toThrowError(/llm model and cannot serve rerank/);
    } finally {
      await stack.close();
    }
  });

  it('checks per-request provider data against the chosen provider, without echoing it', async () => {
    const stack = await createStack({ providers: { inference: [{ providerId: 'a', spec: echoProvider() }] }, skipModelDiscovery: true });
    try {
      const valid = createRequestContext({ providerData: { echo_api_key: 'sk-1', other_vendor_key: 'x' } });
      expect(((await stack.inference.chatCompletion({ model: 'a/small', ...ask('hi') }, valid)) as ChatCompletion).choices).toHaveLength(1);
      const invalid = createRequestContext({ providerData: { echo_api_key: 1234567 } });
      const error = await stack.inference.chatCompletion({ model: 'a/small', ...ask('hi') }, invalid).catch((e: unknown) => e);
      expect(InvalidRequestError.isInstance(error)).toBe(true);
      expect((error as InvalidRequestError).param).toBe('echo_api_key');
      expect((error as Error).message).toContain("'echo_api_key' is not valid for provider 'a'");
      expect((error as Error).message).not.toContain('1234567');
    } finally {
      await stack.close();
    }
  });

  it('stores chat completions, plain and streamed, unless asked not to', async () => {
    const stack = await createStack({ providers: { inference: [{ providerId: 'a', spec: echoProvider() }] }, skipModelDiscovery: true });
    try {
      const plain = (await stack.inference.chatCompletion({ model: 'a/small', ...ask('keep me') })) as ChatCompletion;
      await stack.inference.chatCompletion({ model: 'a/small', ...ask('forget me'), store: false });
      const stream = (await stack.inference.chatCompletion({ model: 'a/small', ...ask('stream me'), stream: true })) as AsyncIterable<ChatCompletionChunk>;
      for await (const _chunk of stream) {
        // consumed to the end
      }
      await expect.poll(async () => (await stack.inference.listChatCompletions({})).data.length).toBe(2);
      const listed = await stack.inference.listChatCompletions({});
      expect(listed.data.map((item) => item.input_messages[0]?.content).sort()).toEqual(['keep me', 'stream me']);
      expect(await stack.inference.getChatCompletion(plain.id)).toMatchObject({ id: plain.id, model: 'small', input_messages: [{ role: 'user', content: 'keep me' }] });
      expect((await stack.inference.getChatCompletion('chatcmpl-stream')).choices[0]?.message.content).toBe('served in pieces');
      expect((await stack.inference.listChatCompletions({ model: 'a/small' })).data).toHaveLength(2);
      expect((await stack.inference.listChatCompletions({ model: 'a/other' })).data).toHaveLength(0);
    } finally {
      await stack.close();
    }
  });

  it('does not store a stream the client abandoned', async () => {
    const stack = await createStack({ providers: { inference: [{ providerId: 'a', spec: echoProvider() }] }, skipModelDiscovery: true });
    try {
      const stream = (await stack.inference.chatCompletion({ model: 'a/small', ...ask('stop early'), stream: true })) as AsyncIterable<ChatCompletionChunk>;
      for await (const _chunk of stream) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect((await stack.inference.listChatCompletions({})).data).toEqual([]);
    } finally {
      await stack.close();
    }
  });

  it('asks providers with refresh_models for their models again at the configured interval', async () => {
    const served = ['first'];
    const spec = defineProvider({
      api: 'inference',
      providerType: 'inline::changing',
      configSchema: z.object({ refresh_models: z.boolean().default(false) }),
      create: (): InferenceProvider => ({
        chatCompletion: async () => { throw new InvalidRequestError('unused'); },
        completion: async () => { throw new InvalidRequestError('unused'); },
        embeddings: async () => { throw new InvalidRequestError('unused'); },
        listModels: async () => served.map((id) => ({ provider_resource_id: id, model_type: 'llm' as const })),
      }),
    });
    const config = parseRunConfig(
      { model_refresh_interval_seconds: 0.05, providers: { inference: [{ provider_id: 'live', provider_type: 'inline::changing', config: { refresh_models: true } }, { provider_id: 'fixed', provider_type: 'inline::changing' }] } },
      { environment: {} },
    );
    const stack = await createStackFromRunConfig(config, { providerSpecs: [spec], logger: silentLogger });
    try {
      expect((await stack.models.listModels()).data.map((model) => model.id).sort()).toEqual(['fixed/first', 'live/first']);
      served.splice(0, 1, 'second');
      await expect.poll(async () => (await stack.models.listModels()).data.map((model) => model.id).sort(), { timeout: 2_000 }).toEqual(['fixed/first', 'live/second']);
    } finally {
      await stack.close();
    }
  });

  it('keeps the registry in the configured store across restarts', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'stack-'));
    const storage = {
      backends: { kv_default: { type: 'kv_sqlite' as const, db_path: join(directory, 'kv.db') } },
      stores: { metadata: { backend: 'kv_default', namespace: 'registry' } },
    };
    const spec = echoProvider();
    const first = await createStack({ providers: { inference: [{ providerId: 'a', spec }] }, storage, skipModelDiscovery: true });
    await first.models.registerModel({ model_id: 'kept', provider_model_id: 'small' });
    await first.close();

    const second = await createStack({ providers: { inference: [{ providerId: 'a', spec }] }, storage, skipModelDiscovery: true });
    try {
      expect(await second.models.getModel('kept')).toEqual({
        identifier: 'kept',
        provider_resource_id: 'small',
        provider_id: 'a',
        type: 'model',
        metadata: {},
        model_type: 'llm',
      });
      await second.models.unregisterModel('kept');
      await expect(second.models.getModel('kept')).rejects.toThrowError(NotFoundError);
    } finally {
      await second.close();
    }
  });

  it('validates model registration', async () => {
    const spec = echoProvider();
    const stack = await createStack({ providers: { inference: [{ providerId: 'a', spec }, { providerId: 'b', spec }] }, skipModelDiscovery: true });
    try {
      await expect(stack.models.registerModel({ model_id: 'x' })).rejects.toThrowError(/set provider_id to one of: a, b/);
      await expect(stack.models.registerModel({ model_id: 'x', provider_id: 'zz' })).rejects.toThrowError(/Provider 'zz' is not an inference provider/);
      await expect(stack.models.registerModel({ model_id: 'e', provider_id: 'a', model_type: 'embedding' })).rejects.toThrowError(/embedding_dimension/);
      await stack.models.registerModel({ model_id: 'x', provider_id: 'a' }, createRequestContext({ user: { principal: 'alice', attributes: { teams: ['ml'] } } }));
      expect((await stack.registry.get('model', 'x'))?.owner).toEqual({ principal: 'alice', attributes: { teams: ['ml'] } });
      await expect(stack.models.registerModel({ model_id: 'x', provider_id: 'b' })).rejects.toThrowError(/already registered/);
    } finally {
      await stack.close();
    }
  });

  it('closes providers in reverse order and only once', async () => {
    const events: string[] = [];
    const spec = echoProvider(events);
    const stack = await createStack({ providers: { inference: [{ providerId: 'a', spec }, { providerId: 'b', spec }] }, skipModelDiscovery: true });
    await Promise.all([stack.close(), stack.close()]);
    expect(events).toEqual(['create a', 'create b', 'close b', 'close a']);
  });

  it('serves inspect and providers with secrets masked', async () => {
    const spec = echoProvider();
    const stack = await createStack({ providers: { inference: [{ providerId: 'a', spec, config: { api_key: 'sk-secret' } }] }, skipModelDiscovery: true });
    try {
      const providers = await stack.providers.listProviders();
      expect(providers.data).toEqual([
        { api: 'inference', provider_id: 'a', provider_type: 'inline::echo', config: { models: ['small'], api_key: '********' }, health: { status: 'Not Implemented', message: expect.any(String) } },
      ]);
      await expect(stack.providers.getProvider('nope')).rejects.toThrowError(NotFoundError);
      const routes = await stack.inspect.listRoutes();
      expect(routes.data).toContainEqual({ route: '/v1/chat/completions', method: 'POST', provider_types: ['inline::echo'] });
      expect(routes.data).toContainEqual({ route: '/v1/models', method: 'GET', provider_types: ['builtin'] });
      expect(routes.data.some((route) => route.method === 'DELETE')).toBe(false);
      expect((await stack.inspect.listRoutes('deprecated')).data.map((r) => `${r.method} ${r.route}`)).toEqual(['POST /v1/models', 'DELETE /v1/models/{model_id}']);
    } finally {
      await stack.close();
    }
  });

  it('reports unknown provider types with the known ones', async () => {
    const config = parseRunConfig({ providers: { inference: [{ provider_id: 'x', provider_type: 'remote::nope' }] } }, { environment: {} });
    const error = await createStackFromRunConfig(config, { providerSpecs: [echoProvider()], source: 'run.yaml' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toBe("run.yaml: providers.inference[0].provider_type: unknown provider type 'remote::nope' for API 'inference'. Known: inline::echo.");
  });

  it('refuses providers for an API it cannot serve yet, closing what it opened', async () => {
    const events: string[] = [];
    const safety = { ...echoProvider(events), api: 'safety' as const, providerType: 'inline::guard' };
    await expect(createStack({ providers: { inference: [{ providerId: 'a', spec: echoProvider(events) }], safety: [{ providerId: 'g', spec: safety }] } })).rejects.toThrowError(
      /API 'safety' has providers configured, but this version of @stack\/stack cannot serve it yet/,
    );
    expect(events.filter((event) => event.startsWith('close'))).toEqual(events.filter((event) => event.startsWith('create')).map((event) => event.replace('create', 'close')).reverse());
  });

  it('answers clearly when no inference provider is configured', async () => {
    const stack = await createStack({ apis: ['inference'] });
    try {
      await expect(stack.inference.chatCompletion({ model: 'm', ...ask('hi') })).rejects.toThrowError(/No inference provider is configured/);
      expect((await stack.models.listModels()).data).toEqual([]);
    } finally {
      await stack.close();
    }
  });
});
