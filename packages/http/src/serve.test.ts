import { InvalidRequestError, defineProvider } from '@stack/core';
import type { ChatCompletion, ChatCompletionChunk, InferenceProvider } from '@stack/inference-api';
import { createStack, type Stack } from '@stack/stack';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { serve, type RunningServer } from './serve.js';

/** An in-process provider written for these tests; its streams can be paced and observed. */
function testProvider(observed: { aborted: number; finished: number; lastProviderData?: unknown }) {
  return defineProvider({
    api: 'inference',
    providerType: 'inline::test',
    configSchema: z.object({ chunkDelayMs: z.number().default(0), chunks: z.number().default(3) }),
    create: (config): InferenceProvider => ({
      async chatCompletion(request, context) {
        observed.lastProviderData = context.providerData;
        if (request.stream) {
          return (async function* (): AsyncIterable<ChatCompletionChunk> {
            for (let index = 0; index < config.chunks; index += 1) {
              if (context.signal.aborted) {
                observed.aborted += 1;
                return;
              }
              yield { id: 'c', object: 'chat.completion.chunk', created: 1, model: request.model, choices: [{ index: 0, delta: { content: `part${index} ` }, finish_reason: null }] } as ChatCompletionChunk;
              await new Promise((resolve) => setTimeout(resolve, config.chunkDelayMs));
            }
            observed.finished += 1;
          })();
        }
        return { id: 'c', object: 'chat.completion', created: 1, model: request.model, choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'hello' } }] } as ChatCompletion;
      },
      async completion() {
        throw new InvalidRequestError('completions are not offered by this test provider', { param: 'model' });
      },
      async embeddings(request) {
        return { object: 'list', model: request.model, data: [{ object: 'embedding', index: 0, embedding: [0.5] }], usage: { prompt_tokens: 1, total_tokens: 1 } };
      },
      async listModels() {
        return [{ provider_resource_id: 'org/model-a', model_type: 'llm' as const }];
      },
    }),
  });
}

let running: RunningServer | undefined;
let stack: Stack | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
  stack = undefined;
});

async function start(config: Record<string, unknown> = {}, observed = { aborted: 0, finished: 0 } as { aborted: number; finished: number; lastProviderData?: unknown }) {
  stack = await createStack({ providers: { inference: [{ providerId: 'test', spec: testProvider(observed), config }] } });
  running = await serve(stack, { port: 0, shutdownGracePeriodMs: 5_000 });
  return { url: running.url, observed };
}

const chatBody = (extra: Record<string, unknown> = {}) => JSON.stringify({ model: 'test/org/model-a', messages: [{ role: 'user', content: 'hi' }], ...extra });
const json = (response: Response): Promise<any> => response.json();
const post = (url: string, body: string, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

describe('serve', () => {
  it('answers JSON and the same under the /v1/openai/v1 alias', async () => {
    const { url } = await start();
    for (const path of ['/v1/chat/completions', '/v1/openai/v1/chat/completions']) {
      const response = await post(`${url}${path}`, chatBody());
      expect(response.status).toBe(200);
      expect((await json(response)).choices[0].message.content).toBe('hello');
    }
  });

  it('serves model ids with slashes', async () => {
    const { url } = await start();
    const response = await fetch(`${url}/v1/models/test/org/model-a`);
    expect(response.status).toBe(200);
    expect(await json(response)).toMatchObject({ identifier: 'test/org/model-a', provider_resource_id: 'org/model-a' });
    const encoded = await fetch(`${url}/v1/models/${encodeURIComponent('test/org/model-a')}`);
    expect((await json(encoded)).identifier).toBe('test/org/model-a');
  });

  it('rejects a malformed request with 400 naming the field, in the OpenAI envelope', async () => {
    const { url } = await start();
    const response = await post(`${url}/v1/chat/completions`, JSON.stringify({ model: 'test/org/model-a', messages: [{ role: 'robot', content: 'hi' }] }));
    expect(response.status).toBe(400);
    const body = await json(response);
    expect(body.error).toMatchObject({ type: 'invalid_request_error', param: 'messages[0].role' });
    expect(body.error.message).toContain('messages[0].role');

    const broken = await post(`${url}/v1/chat/completions`, '{"model": ');
    expect(broken.status).toBe(400);
    expect((await json(broken)).error.code).toBe('invalid_json');
  });

  it('answers 404 for an unknown model and an unknown route, 413 for a huge body', async () => {
    const { url } = await start();
    const unknown = await post(`${url}/v1/chat/completions`, chatBody({ model: 'no-such-model' }));
    expect(unknown.status).toBe(404);
    expect((await json(unknown)).error).toMatchObject({ type: 'not_found_error', param: 'model' });
    const route = await fetch(`${url}/v1/nothing-here`);
    expect(route.status).toBe(404);
    expect((await json(route)).error.message).toContain('/v1/nothing-here');
    const huge = await post(`${url}/v1/embeddings`, JSON.stringify({ model: 'x', input: 'a'.repeat(21 * 1024 * 1024) }));
    expect(huge.status).toBe(413);
  });

  it('reads provider data from its header and rejects a malformed one without echoing it', async () => {
    const { url, observed } = await start();
    await post(`${url}/v1/chat/completions`, chatBody(), { 'X-LlamaStack-Provider-Data': '{"openai_api_key":"sk-1"}' });
    expect(observed.lastProviderData).toEqual({ openai_api_key: 'sk-1' });
    const bad = await post(`${url}/v1/chat/completions`, chatBody(), { 'X-LlamaStack-Provider-Data': 'sk-secret-not-json' });
    expect(bad.status).toBe(400);
    expect(await bad.text()).not.toContain('sk-secret');
  });

  it('streams server-sent events chunk by chunk', async () => {
    const { url } = await start({ chunkDelayMs: 150, chunks: 3 });
    const started = Date.now();
    const response = await post(`${url}/v1/chat/completions`, chatBody({ stream: true }));
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = response.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    // The first frame arrives before the provider has produced the rest.
    expect(Date.now() - started).toBeLessThan(300);
    expect(first).toMatch(/^data: \{.*"part0 ".*\}\n\n/);
    let rest = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      rest += new TextDecoder().decode(value);
    }
    expect((first + rest).match(/^data: /gm)).toHaveLength(3);
  });

  it('stops the provider stream when the client disconnects', async () => {
    const { url, observed } = await start({ chunkDelayMs: 100, chunks: 50 });
    const response = await post(`${url}/v1/chat/completions`, chatBody({ stream: true }));
    const reader = response.body!.getReader();
    await reader.read();
    await reader.cancel();
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(observed.finished).toBe(0);
    expect(observed.aborted).toBe(1);
  });

  it('serves an OpenAPI document generated from the route tables', async () => {
    const { url } = await start();
    const document = await json(await fetch(`${url}/openapi.json`));
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/v1/chat/completions', '/v1/models/{model_id}', '/v1/health']));
    expect(document.paths['/v1/chat/completions'].post.requestBody.content['application/json'].schema.required).toEqual(
      expect.arrayContaining(['model', 'messages']),
    );
    expect(document.paths['/v1/models'].post.deprecated).toBe(true);
  });

  it('lets an in-flight stream finish on shutdown, then closes the stack', async () => {
    const { url, observed } = await start({ chunkDelayMs: 100, chunks: 5 });
    const response = await post(`${url}/v1/chat/completions`, chatBody({ stream: true }));
    const reader = response.body!.getReader();
    await reader.read();
    const closed = running!.close();
    let text = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    await closed;
    expect(text.match(/^data: /gm)).toHaveLength(4);
    expect(observed.finished).toBe(1);
    await expect(fetch(`${url}/v1/health`)).rejects.toThrow();
  });
});
