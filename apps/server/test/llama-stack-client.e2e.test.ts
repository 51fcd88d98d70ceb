import LlamaStackClient from 'llama-stack-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replyFor } from '@stack/openai-compatible/testing';
import { startTestDeployment, type TestDeployment } from './helpers.js';

let deployment: TestDeployment;
let client: LlamaStackClient;

beforeAll(async () => {
  deployment = await startTestDeployment();
  client = new LlamaStackClient({ baseURL: deployment.server.url, maxRetries: 0 });
});
afterAll(async () => {
  await deployment?.close();
});

describe('llama-stack-client against the server', () => {
  it('reads health, version, routes and providers', async () => {
    expect(await client.inspect.health()).toEqual({ status: 'OK' });
    expect((await client.inspect.version()).version).toMatch(/^\d+\.\d+\.\d+/);
    const routes = await client.routes.list();
    expect(routes).toContainEqual({ route: '/v1/chat/completions', method: 'POST', provider_types: ['remote::vllm', 'remote::ollama'] });
    const providers = await client.providers.list();
    expect(providers.map((provider) => provider.provider_id)).toEqual(['vllm', 'ollama']);
    expect(providers[0]?.config).toMatchObject({ api_token: '********' });
    expect(providers[0]?.health).toMatchObject({ status: 'OK' });
    const ollama = await client.providers.retrieve('ollama');
    expect(ollama.provider_type).toBe('remote::ollama');
  });

  it('lists and retrieves models, with slashes in ids', async () => {
    const models = await client.models.list();
    expect(models.map((model) => model.id)).toContain('vllm/meta-llama/Llama-3.2-3B-Instruct');
    const model = await client.models.retrieve('vllm/meta-llama/Llama-3.2-3B-Instruct');
    expect(model).toMatchObject({ identifier: 'vllm/meta-llama/Llama-3.2-3B-Instruct', provider_id: 'vllm', model_type: 'llm' });
  });

  it('gets a chat completion', async () => {
    const completion = await client.chat.completions.create({ model: 'ollama/llama3.2:3b', messages: [{ role: 'user', content: 'Hello there' }] });
    expect('choices' in completion && completion.choices[0]?.message.content).toBe(replyFor('Hello there'));
  });
});
