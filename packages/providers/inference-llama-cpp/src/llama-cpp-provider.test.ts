import { homedir } from 'node:os';
import { join } from 'node:path';
import { createRequestContext, InvalidRequestError, NotFoundError, StackError, UnsupportedError } from '@stack/core';
import {
  chatCompletionChunkSchema,
  chatCompletionRequestSchema,
  chatCompletionSchema,
  completionRequestSchema,
  completionSchema,
  embeddingsRequestSchema,
  type ChatCompletion,
  type ChatCompletionChunk,
  type Completion,
} from '@stack/inference-api';
import { collect } from '@stack/inference-api/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { tinyEmbeddingDimension, writeTinyModel } from './__fixtures__/tiny-gguf.js';
import { llamaCppConfigSchema, providerSpec, type LlamaCppProvider } from './index.js';
import { providerTestDependencies } from '@stack/core/testing';

const deps = providerTestDependencies('llama-cpp');

let tiny: Awaited<ReturnType<typeof writeTinyModel>>;
let provider: LlamaCppProvider;

beforeAll(async () => {
  tiny = await writeTinyModel();
  const config = llamaCppConfigSchema.parse({
    models: [
      { model_id: 'tiny-chat', path: tiny.path },
      { model_id: 'tiny-embed', path: tiny.path, model_type: 'embedding' },
      // Room for node-llama-cpp's documentation of tools in the prompt, and for whitespace-padded JSON.
      { model_id: 'tiny-chat-long', path: tiny.path, context_length: 2048 },
    ],
  });
  provider = (await providerSpec.create(config, deps)) as LlamaCppProvider;
});

afterAll(async () => {
  await provider?.close();
  tiny?.remove();
});

function chat(body: Record<string, unknown>, signal?: AbortSignal) {
  const request = chatCompletionRequestSchema.parse({ model: 'tiny-chat', messages: [{ role: 'user', content: 'Hello there' }], ...body });
  return provider.chatCompletion(request, createRequestContext({ signal }));
}

async function chatPlain(body: Record<string, unknown>): Promise<ChatCompletion> {
  return chatCompletionSchema.parse(await chat(body));
}

async function chatStream(body: Record<string, unknown>): Promise<ChatCompletionChunk[]> {
  const chunks = await collect((await chat({ ...body, stream: true })) as AsyncIterable<unknown>);
  return chunks.map((chunk) => chatCompletionChunkSchema.parse(chunk));
}

function complete(body: Record<string, unknown>) {
  return provider.completion(completionRequestSchema.parse({ model: 'tiny-chat', prompt: 'Once upon a time', ...body }), createRequestContext());
}

function embed(body: Record<string, unknown>) {
  return provider.embeddings(embeddingsRequestSchema.parse({ model: 'tiny-embed', input: 'hello world', ...body }), createRequestContext());
}

async function failure(run: () => Promise<unknown>): Promise<unknown> {
  try {
    const result = await run();
    if (result && typeof result === 'object' && Symbol.asyncIterator in result) await collect(result as AsyncIterable<unknown>);
  } catch (error) {
    return error;
  }
  throw new Error('Expected a failure.');
}

describe('config', () => {
  it('applies defaults and reads values as they arrive after env substitution', () => {
    const config = llamaCppConfigSchema.parse({
      models: [{ model_id: 'a', path: '~/models/a.gguf', context_length: '2048', gpu_layers: '' }],
      threads: '',
      context_size: null,
      unknown_key: true,
    });
    expect(config.threads).toBe(1);
    expect(config.context_size).toBeUndefined();
    expect(config.models[0]).toMatchObject({
      model_id: 'a',
      path: join(homedir(), 'models/a.gguf'),
      model_type: 'llm',
      context_length: 2048,
      gpu_layers: 'auto',
    });
    expect(llamaCppConfigSchema.parse({ models: null, threads: '4', context_size: '1024' })).toMatchObject({ models: [], threads: 4, context_size: 1024 });
    expect(llamaCppConfigSchema.parse({ models: [{ model_id: 'b', path: '/b.gguf', gpu_layers: '12' }] }).models[0].gpu_layers).toBe(12);
  });

  it('refuses duplicate ids and unknown model types', () => {
    expect(llamaCppConfigSchema.safeParse({ models: [{ model_id: 'a', path: '/a' }, { model_id: 'a', path: '/b' }] }).success).toBe(false);
    expect(llamaCppConfigSchema.safeParse({ models: [{ model_id: 'a', path: '/a', model_type: 'rerank' }] }).success).toBe(false);
  });

  it('names a missing model file at create', async () => {
    const config = llamaCppConfigSchema.parse({ models: [{ model_id: 'gone', path: '/nowhere/missing.gguf' }] });
    const error = await failure(async () => providerSpec.create(config, deps));
    expect(InvalidRequestError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('/nowhere/missing.gguf');
    expect((error as Error).message).toContain('gone');
  });
});

describe('models', () => {
  it('lists the configured models, embedding ones with the dimension from the GGUF header', async () => {
    expect(await provider.listModels()).toEqual([
      { provider_resource_id: 'tiny-chat', model_type: 'llm', metadata: { context_length: 512 } },
      { provider_resource_id: 'tiny-embed', model_type: 'embedding', metadata: { context_length: 512, embedding_dimension: tinyEmbeddingDimension } },
      { provider_resource_id: 'tiny-chat-long', model_type: 'llm', metadata: { context_length: 2048 } },
    ]);
  });

  it('reports healthy', async () => {
    expect(await provider.health()).toEqual({ status: 'OK' });
  });

  it('refuses unknown models and models of the wrong type', async () => {
    expect(NotFoundError.isInstance(await failure(() => chat({ model: 'nope' })))).toBe(true);
    const wrongType = await failure(() => chat({ model: 'tiny-embed' }));
    expect((wrongType as StackError).kind).toBe('invalid_request');
    expect((await failure(() => embed({ model: 'tiny-chat' })) as StackError).kind).toBe('invalid_request');
  });
});

describe('chat completions', () => {
  it('answers with an OpenAI chat completion and real token counts', async () => {
    const completion = await chatPlain({ max_tokens: 5, temperature: 0 });
    expect(completion.id).toMatch(/^chatcmpl-/);
    expect(completion.object).toBe('chat.completion');
    expect(completion.model).toBe('tiny-chat');
    expect(completion.created).toBeGreaterThan(1_700_000_000);
    expect(completion.choices).toHaveLength(1);
    expect(completion.choices[0].message.role).toBe('assistant');
    expect(typeof completion.choices[0].message.content).toBe('string');
    expect(completion.choices[0].finish_reason).toBe('length');
    expect(completion.usage?.completion_tokens).toBe(5);
    expect(completion.usage?.prompt_tokens).toBeGreaterThan(3);
    expect(completion.usage?.total_tokens).toBe(completion.usage!.prompt_tokens + 5);
  });

  it('counts more prompt tokens for a longer conversation', async () => {
    const short = await chatPlain({ max_tokens: 1 });
    const long = await chatPlain({
      max_tokens: 1,
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'Hello there' },
        { role: 'assistant', content: 'Hi.' },
        { role: 'user', content: 'Tell me more about the weather today' },
      ],
    });
    expect(long.usage!.prompt_tokens).toBeGreaterThan(short.usage!.prompt_tokens + 10);
  });

  it('takes max_completion_tokens as the limit too', async () => {
    const completion = await chatPlain({ max_completion_tokens: 3, temperature: 0 });
    expect(completion.choices[0].finish_reason).toBe('length');
    expect(completion.usage?.completion_tokens).toBe(3);
  });

  it('streams chunks with one id, a role first, the finish reason and usage last', async () => {
    const chunks = await chatStream({ max_tokens: 8, temperature: 0, stream_options: { include_usage: true } });
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
    expect(chunks[0].id).toMatch(/^chatcmpl-/);
    expect(chunks.every((chunk) => chunk.object === 'chat.completion.chunk' && chunk.model === 'tiny-chat')).toBe(true);
    expect(chunks[0].choices[0].delta.role).toBe('assistant');
    const finishing = chunks.at(-2)!;
    expect(finishing.choices[0]).toMatchObject({ finish_reason: 'length', delta: {} });
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage).toMatchObject({ completion_tokens: 8 });
    expect(last.usage!.total_tokens).toBe(last.usage!.prompt_tokens + 8);
  });

  it('streams the same text it answers without streaming', async () => {
    const plain = await chatPlain({ max_tokens: 12, temperature: 0 });
    const chunks = await chatStream({ max_tokens: 12, temperature: 0 });
    expect(chunks.some((chunk) => chunk.usage)).toBe(false);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe(plain.choices[0].message.content);
  });

  it('repeats itself with the same seed', async () => {
    const first = await chatPlain({ max_tokens: 16, temperature: 1, seed: 42 });
    const second = await chatPlain({ max_tokens: 16, temperature: 1, seed: 42 });
    const other = await chatPlain({ max_tokens: 16, temperature: 1, seed: 43 });
    expect(second.choices[0].message.content).toBe(first.choices[0].message.content);
    expect(other.choices[0].message.content).not.toBe(first.choices[0].message.content);
  });

  it('stops before a stop sequence with finish_reason stop', async () => {
    // A seeded sample repeats itself up to the stop sequence, so the cut can be predicted.
    const sampling = { max_tokens: 24, temperature: 1, seed: 42 };
    const free = (await chatPlain(sampling)).choices[0].message.content!;
    const stop = [...free.slice(3)].find((character) => /[A-Za-z0-9]/.test(character));
    expect(stop, `a letter or digit to stop at in ${JSON.stringify(free)}`).toBeDefined();
    const stopped = await chatPlain({ ...sampling, stop: ['nowhere', stop] });
    expect(stopped.choices[0].finish_reason).toBe('stop');
    expect(stopped.choices[0].message.content).toBe(free.slice(0, free.indexOf(stop!)));
    expect(stopped.usage!.completion_tokens).toBeLessThan(24);
  });

  it('accepts a conversation with earlier tool calls and their results', async () => {
    const completion = await chatPlain({
      max_tokens: 4,
      messages: [
        { role: 'user', content: 'What is the weather in Paris?' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: '{"temperature": 21}' },
      ],
    });
    expect(completion.choices[0].message.role).toBe('assistant');
    const orphan = await failure(() => chat({ messages: [{ role: 'tool', tool_call_id: 'call_9', content: 'x' }] }));
    expect(orphan).toBeInstanceOf(InvalidRequestError);
    expect((orphan as InvalidRequestError).param).toBe('messages[0].tool_call_id');
  });

  it('refuses image content and several choices', async () => {
    const image = await failure(() =>
      chat({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/cat.png' } }] }] }),
    );
    expect(UnsupportedError.isInstance(image)).toBe(true);
    expect(UnsupportedError.isInstance(await failure(() => chat({ n: 2 })))).toBe(true);
  });
});

describe('structured output', () => {
  const schema = {
    title: 'Verdict',
    type: 'object',
    properties: {
      color: { type: 'string', enum: ['red', 'green', 'blue'], description: 'A color.' },
      ok: { type: 'boolean' },
      tags: { type: 'array', items: { enum: ['a', 'b'] }, maxItems: 3 },
      note: { anyOf: [{ type: 'null' }, { const: 'none' }] },
    },
    required: ['color', 'ok', 'tags', 'note'],
    additionalProperties: false,
  };
  const verdict = z.strictObject({ color: z.enum(['red', 'green', 'blue']), ok: z.boolean(), tags: z.array(z.enum(['a', 'b'])).max(3), note: z.union([z.null(), z.literal('none')]) });

  it('answers json_schema requests with JSON that matches the schema', async () => {
    for (const seed of [1, 2, 3]) {
      const completion = await chatPlain({ temperature: 1, seed, max_tokens: 200, response_format: { type: 'json_schema', json_schema: { name: 'verdict', schema } } });
      expect(completion.choices[0].finish_reason).toBe('stop');
      expect(verdict.safeParse(JSON.parse(completion.choices[0].message.content!)).success).toBe(true);
    }
  });

  it('streams json_schema answers that parse once joined', async () => {
    const chunks = await chatStream({ temperature: 0, max_tokens: 200, response_format: { type: 'json_schema', json_schema: { name: 'verdict', schema } } });
    const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
    expect(verdict.safeParse(JSON.parse(text)).success).toBe(true);
  });

  it('answers json_object requests with a JSON value', async () => {
    const completion = await chatPlain({ temperature: 0, max_tokens: 300, response_format: { type: 'json_object' } });
    if (completion.choices[0].finish_reason === 'stop') expect(() => JSON.parse(completion.choices[0].message.content!)).not.toThrow();
    else expect(completion.choices[0].finish_reason).toBe('length');
    expect(completion.choices[0].message.content!.trimStart()).toMatch(/^[[{"\d\-tfn]/);
  });

  it('refuses schemas a grammar cannot enforce', async () => {
    const error = await failure(() => chat({ response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { not: { type: 'string' } } } } }));
    expect(InvalidRequestError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain("'not'");
  });
});

describe('tool calls', () => {
  const tools = [
    {
      type: 'function',
      function: {
        name: 'get_weather',
        description: 'Weather for a city.',
        parameters: { type: 'object', properties: { city: { type: 'string', enum: ['Paris', 'Rome'] }, unit: { enum: ['c', 'f'] } }, required: ['city', 'unit'] },
      },
    },
    {
      type: 'function',
      function: { name: 'get_time', parameters: { type: 'object', properties: { zone: { enum: ['UTC', 'CET'] } }, required: ['zone'] } },
    },
  ];
  const weatherArguments = z.strictObject({ city: z.enum(['Paris', 'Rome']), unit: z.enum(['c', 'f']) });
  const timeArguments = z.strictObject({ zone: z.enum(['UTC', 'CET']) });

  it("calls one of the tools with valid arguments when tool_choice is 'required'", async () => {
    for (const seed of [1, 2]) {
      // No max_tokens and a long context: the random model pads its JSON with whitespace, which JSON allows.
      const completion = await chatPlain({ model: 'tiny-chat-long', tools, tool_choice: 'required', temperature: 1, seed });
      const choice = completion.choices[0];
      expect(choice.finish_reason).toBe('tool_calls');
      expect(choice.message.content ?? null).toBeNull();
      expect(choice.message.tool_calls).toHaveLength(1);
      const call = choice.message.tool_calls![0] as { id: string; type: string; function: { name: string; arguments: string } };
      expect(call.id).toMatch(/^call_/);
      expect(call.type).toBe('function');
      const validator = call.function.name === 'get_weather' ? weatherArguments : timeArguments;
      expect(['get_weather', 'get_time']).toContain(call.function.name);
      expect(validator.safeParse(JSON.parse(call.function.arguments)).success).toBe(true);
    }
  });

  it('calls the named function', async () => {
    const completion = await chatPlain({ tools, tool_choice: { type: 'function', function: { name: 'get_time' } } });
    const call = completion.choices[0].message.tool_calls![0] as { function: { name: string; arguments: string } };
    expect(call.function.name).toBe('get_time');
    expect(timeArguments.safeParse(JSON.parse(call.function.arguments)).success).toBe(true);
  });

  it('streams a forced call as a tool_calls delta', async () => {
    const chunks = await chatStream({ tools, tool_choice: { type: 'function', function: { name: 'get_weather' } } });
    const deltas = chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []);
    expect(deltas).toHaveLength(1);
    expect(deltas[0]).toMatchObject({ index: 0, type: 'function', function: { name: 'get_weather' } });
    expect(weatherArguments.safeParse(JSON.parse(deltas[0].function!.arguments!)).success).toBe(true);
    expect(chunks.at(-1)!.choices[0].finish_reason).toBe('tool_calls');
  });

  it("lets the model choose with tool_choice 'auto'", async () => {
    const completion = await chatPlain({ model: 'tiny-chat-long', tools, max_tokens: 20, temperature: 0 });
    const { message, finish_reason } = completion.choices[0];
    if (finish_reason === 'tool_calls') {
      for (const call of message.tool_calls as Array<{ function: { arguments: string } }>) expect(() => JSON.parse(call.function.arguments)).not.toThrow();
    } else {
      expect(typeof message.content).toBe('string');
    }
  });

  it('refuses a named tool that is not in the request, and custom tools', async () => {
    const missing = await failure(() => chat({ tools, tool_choice: { type: 'function', function: { name: 'nope' } } }));
    expect((missing as InvalidRequestError).param).toBe('tool_choice');
    const custom = await failure(() => chat({ tools: [{ type: 'custom', custom: { name: 'shell' } }] }));
    expect(UnsupportedError.isInstance(custom)).toBe(true);
  });
});

describe('completions', () => {
  it('completes a prompt with usage and finish_reason length', async () => {
    const completion = completionSchema.parse(await complete({ max_tokens: 4, temperature: 0 }));
    expect(completion.id).toMatch(/^cmpl-/);
    expect(completion.object).toBe('text_completion');
    expect(completion.choices).toEqual([{ index: 0, text: expect.any(String), finish_reason: 'length', logprobs: null }]);
    expect(completion.usage).toMatchObject({ completion_tokens: 4 });
    expect(completion.usage!.prompt_tokens).toBeGreaterThan(1);
  });

  it('answers one choice per prompt, token-id prompts included, and echoes on request', async () => {
    const tokens = (await complete({ max_tokens: 2, temperature: 0, prompt: [5, 6, 7] })) as Completion;
    expect(tokens.usage!.prompt_tokens).toBe(4); // three tokens and the BOS token
    const several = (await complete({ max_tokens: 2, prompt: ['one', 'two'] })) as Completion;
    expect(several.choices.map((choice) => choice.index)).toEqual([0, 1]);
    const echoed = (await complete({ max_tokens: 2, echo: true })) as Completion;
    expect(echoed.choices[0].text.startsWith('Once upon a time')).toBe(true);
  });

  it('streams text completion chunks with usage last', async () => {
    const stream = (await complete({ max_tokens: 6, temperature: 0, stream: true, stream_options: { include_usage: true } })) as AsyncIterable<unknown>;
    const chunks = (await collect(stream)).map((chunk) => completionSchema.parse(chunk));
    const plain = (await complete({ max_tokens: 6, temperature: 0 })) as Completion;
    expect(chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.text)).join('')).toBe(plain.choices[0].text);
    expect(chunks.at(-2)!.choices[0].finish_reason).toBe('length');
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { completion_tokens: 6 } });
  });

  it('refuses a suffix', async () => {
    expect(UnsupportedError.isInstance(await failure(() => complete({ suffix: 'end' })))).toBe(true);
  });
});

describe('embeddings', () => {
  it("embeds with the model's dimension, deterministically, as floats and base64", async () => {
    const first = await embed({ input: ['hello world', 'something else entirely'] });
    const again = await embed({ input: ['hello world'] });
    expect(first.data.map((item) => item.index)).toEqual([0, 1]);
    const [hello, other] = first.data.map((item) => item.embedding as number[]);
    expect(hello).toHaveLength(tinyEmbeddingDimension);
    expect(again.data[0].embedding).toEqual(hello);
    expect(other).not.toEqual(hello);
    expect(first.usage!.prompt_tokens).toBeGreaterThan(2);

    const encoded = await embed({ input: 'hello world', encoding_format: 'base64' });
    const bytes = Buffer.from(encoded.data[0].embedding as string, 'base64');
    const decoded = Array.from({ length: bytes.length / 4 }, (_, index) => bytes.readFloatLE(index * 4));
    expect(decoded).toHaveLength(tinyEmbeddingDimension);
    decoded.forEach((value, index) => expect(value).toBeCloseTo(hello[index], 5));
  });

  it('embeds token ids and refuses other dimensions and empty text', async () => {
    const tokens = await embed({ input: [5, 6, 7] });
    expect(tokens.data[0].embedding).toHaveLength(tinyEmbeddingDimension);
    expect((await failure(() => embed({ dimensions: 32 })) as InvalidRequestError).param).toBe('dimensions');
    expect((await failure(() => embed({ input: ['x', ''] })) as InvalidRequestError).param).toBe('input[1]');
  });
});

describe('cancellation and concurrency', () => {
  it('stops a long streamed generation promptly when the request is aborted', async () => {
    const controller = new AbortController();
    const stream = (await chat({ stream: true, temperature: 1, seed: 7, max_tokens: 400 }, controller.signal)) as AsyncIterable<ChatCompletionChunk>;
    let afterAbort = 0;
    let seen = 0;
    const startedAt = performance.now();
    let caught: unknown;
    try {
      for await (const chunk of stream) {
        void chunk;
        seen++;
        if (seen === 3) controller.abort();
        else if (seen > 3) afterAbort++;
      }
    } catch (error) {
      caught = error;
    }
    expect((caught as Error | undefined)?.name).toBe('AbortError');
    expect(afterAbort).toBeLessThan(5);
    expect(performance.now() - startedAt).toBeLessThan(1_000);
    // The model is free again at once.
    expect((await chatPlain({ max_tokens: 2 })).choices[0].finish_reason).toBe('length');
  });

  it('frees the model when a reader stops early', async () => {
    const stream = (await chat({ stream: true, max_tokens: 400 })) as AsyncIterable<ChatCompletionChunk>;
    for await (const chunk of stream) {
      void chunk;
      break;
    }
    expect((await chatPlain({ max_tokens: 2 })).usage!.completion_tokens).toBe(2);
  });

  it('rejects an already aborted request without generating', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await failure(() => chat({ max_tokens: 400 }, controller.signal));
    expect((error as Error).name).toBe('AbortError');
  });

  it('lets a request aborted while queued leave without running', async () => {
    const first = (await chat({ stream: true, max_tokens: 50, temperature: 0 })) as AsyncIterable<ChatCompletionChunk>;
    const iterator = first[Symbol.asyncIterator]();
    await iterator.next(); // the first request now holds the model
    const controller = new AbortController();
    const queued = failure(() => chat({ max_tokens: 2 }, controller.signal));
    controller.abort();
    expect(((await queued) as Error).name).toBe('AbortError');
    let rest = 0;
    while (!(await iterator.next()).done) rest++;
    expect(rest).toBeGreaterThan(1);
  });

  it('runs concurrent requests one after another, each as if alone', async () => {
    const bodyA = { max_tokens: 20, temperature: 0, messages: [{ role: 'user', content: 'First question' }] };
    const bodyB = { max_tokens: 20, temperature: 0, messages: [{ role: 'user', content: 'Another, different question' }] };
    const completionBody = { max_tokens: 20, temperature: 0, prompt: 'A story about a lighthouse' };
    const aloneA = (await chatPlain(bodyA)).choices[0].message.content;
    const aloneB = (await chatPlain(bodyB)).choices[0].message.content;
    const aloneCompletion = ((await complete(completionBody)) as Completion).choices[0].text;
    // A chat, a streamed chat and a text completion share the model's one context sequence.
    const [together, streamed, completed, embedded] = await Promise.all([
      chatPlain(bodyA),
      chatStream(bodyB),
      complete(completionBody) as Promise<Completion>,
      embed({ input: 'hello world' }),
    ]);
    expect(together.choices[0].message.content).toBe(aloneA);
    expect(streamed.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe(aloneB);
    expect(completed.choices[0].text).toBe(aloneCompletion);
    expect(embedded.data[0].embedding).toHaveLength(tinyEmbeddingDimension);
  });
});

describe('close', () => {
  it('releases the models and refuses later requests', async () => {
    const config = llamaCppConfigSchema.parse({ models: [{ model_id: 'tiny-chat', path: tiny.path }] });
    const own = (await providerSpec.create(config, deps)) as LlamaCppProvider;
    const request = chatCompletionRequestSchema.parse({ model: 'tiny-chat', messages: [{ role: 'user', content: 'Hi' }], max_tokens: 2 });
    await own.chatCompletion(request, createRequestContext());
    await own.close();
    expect(InvalidRequestError.isInstance(await failure(() => own.chatCompletion(request, createRequestContext())))).toBe(true);
  });
});
