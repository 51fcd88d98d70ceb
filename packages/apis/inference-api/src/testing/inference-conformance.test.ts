import { setTimeout as sleep } from 'node:timers/promises';
import { NotFoundError, UpstreamError, type RequestContext } from '@stack/core';
import { describe, expect, it } from 'vitest';
import type { DiscoveredModel, InferenceProvider } from '../inference-api.js';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest, Completion, EmbeddingsResponse } from '../schemas/index.js';
import {
  checkAbortedStream,
  checkChatCompletion,
  checkChatCompletionStream,
  checkCompletion,
  checkCompletionStream,
  checkEmbeddings,
  checkListedModels,
  checkRerank,
  checkUnknownModel,
} from './inference-checks.js';
import { describeInferenceProviderConformance } from './index.js';

const chatModel = 'echo-chat';
const embeddingModel = 'echo-embed';
const rerankModel = 'echo-rerank';
const embeddingDimension = 8;
/** Streams last 30 × 50 ms, well past the abort check's one second. */
const streamPieces = 30;
const chunkDelayMs = 50;

function vectorFor(text: string): number[] {
  let seed = 7;
  for (const character of text) seed = (seed * 31 + character.charCodeAt(0)) % 1_000_003;
  // float32 values, so the base64 form decodes to exactly the same numbers.
  return Array.from({ length: embeddingDimension }, (_, index) => Math.fround(Math.sin(seed * (index + 1))));
}

function encodeBase64(vector: number[]): string {
  const floats = Float32Array.from(vector);
  return Buffer.from(floats.buffer).toString('base64');
}

function requireModel(model: string, served: string): void {
  if (model !== served) throw NotFoundError.of('Model', model);
}

/**
 * A small provider that keeps every rule of the suite, with no backend: the suite must pass it,
 * and each broken variant below must fail exactly one check.
 */
function createEchoProvider(): InferenceProvider {
  const created = 1_700_000_000;
  const reply = (request: { messages?: unknown; prompt?: unknown }) =>
    `Echo: ${typeof request.prompt === 'string' ? request.prompt : JSON.stringify(request.messages)}`;
  const pieces = (text: string) => Array.from({ length: streamPieces }, (_, index) => (index === 0 ? text : ` more${index}`));

  async function* chatStream(request: ChatCompletionRequest, context: RequestContext): AsyncGenerator<ChatCompletionChunk> {
    const chunk = (choices: unknown[], usage?: unknown) =>
      ({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created, model: request.model, choices, usage }) as ChatCompletionChunk;
    yield chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]);
    for (const piece of pieces(reply(request))) {
      await sleep(chunkDelayMs, undefined, { signal: context.signal });
      yield chunk([{ index: 0, delta: { content: piece }, finish_reason: null }]);
    }
    yield chunk([{ index: 0, delta: {}, finish_reason: 'stop' }]);
    if (request.stream_options?.include_usage) yield chunk([], { prompt_tokens: 3, completion_tokens: streamPieces, total_tokens: streamPieces + 3 });
  }

  async function* completionStream(model: string, text: string, context: RequestContext): AsyncGenerator<Completion> {
    for (const [index, piece] of pieces(text).entries()) {
      await sleep(chunkDelayMs, undefined, { signal: context.signal });
      const finish = index === streamPieces - 1 ? 'length' : null;
      yield { id: 'cmpl-1', object: 'text_completion', created, model, choices: [{ index: 0, text: piece, finish_reason: finish }] } as Completion;
    }
  }

  return {
    async listModels(): Promise<DiscoveredModel[]> {
      return [
        { provider_resource_id: chatModel, model_type: 'llm', metadata: { context_length: 4096 } },
        { provider_resource_id: embeddingModel, model_type: 'embedding', metadata: { embedding_dimension: embeddingDimension } },
      ];
    },

    async chatCompletion(request, context) {
      requireModel(request.model, chatModel);
      if (request.stream) return chatStream(request, context);
      return {
        id: 'chatcmpl-1',
        object: 'chat.completion',
        created,
        model: request.model,
        choices: [{ index: 0, message: { role: 'assistant', content: reply(request) }, finish_reason: 'stop' }],
      } as ChatCompletion;
    },

    async completion(request, context) {
      requireModel(request.model, chatModel);
      const text = reply(request);
      if (request.stream) return completionStream(request.model, text, context);
      return {
        id: 'cmpl-1',
        object: 'text_completion',
        created,
        model: request.model,
        choices: [{ index: 0, text, finish_reason: 'stop' }],
      } as Completion;
    },

    async embeddings(request) {
      requireModel(request.model, embeddingModel);
      const inputs = (Array.isArray(request.input) ? request.input : [request.input]).map((input) => JSON.stringify(input));
      return {
        object: 'list',
        model: request.model,
        data: inputs.map((input, index) => {
          const vector = vectorFor(input);
          return { object: 'embedding', index, embedding: request.encoding_format === 'base64' ? encodeBase64(vector) : vector };
        }),
      } as EmbeddingsResponse;
    },

    async rerank(request) {
      requireModel(request.model, rerankModel);
      // Relevance by shared words: enough for a query that repeats an item's words.
      const words = (value: unknown) => new Set(String(typeof value === 'string' ? value : (value as { text?: string }).text).toLowerCase().match(/[a-z]+/g));
      const query = words(request.query);
      const scored = request.items.map((item, index) => ({ index, relevance_score: [...words(item)].filter((word) => query.has(word)).length }));
      scored.sort((a, b) => b.relevance_score - a.relevance_score);
      return { data: scored.slice(0, request.max_num_results ?? scored.length) };
    },
  };
}

describeInferenceProviderConformance({
  name: 'an in-memory echo provider',
  setup: async () => ({ provider: createEchoProvider(), chatModel, completionModel: chatModel, embeddingModel, embeddingDimension, rerankModel }),
});

describeInferenceProviderConformance({
  name: 'an embedding-only provider',
  setup: async () => ({ provider: createEchoProvider(), embeddingModel, embeddingDimension, rerankModel }),
});

describe('the rerank check', () => {
  it('fails on a ranking that is not sorted or puts the answer last', async () => {
    const reversed = broken({
      rerank: async (request) => ({ data: request.items.map((_, index) => ({ index, relevance_score: index })) }),
    });
    await expect(checkRerank(reversed, rerankModel)).rejects.toThrowError(/sorted by relevance/);
    const ignoresLimit = broken({
      rerank: async (request) => ({ data: request.items.map((_, index) => ({ index, relevance_score: 3 - index })) }),
    });
    await expect(checkRerank(ignoresLimit, rerankModel)).rejects.toThrowError(/max_num_results/);
  });
});

/** The echo provider with some methods replaced. */
function broken(overrides: Partial<InferenceProvider>): InferenceProvider {
  return { ...createEchoProvider(), ...overrides };
}

const echo = createEchoProvider();

async function* yielding<T>(...items: T[]): AsyncGenerator<T> {
  yield* items;
}

async function chunksOf(provider: InferenceProvider, request: ChatCompletionRequest, context: RequestContext): Promise<ChatCompletionChunk[]> {
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of (await provider.chatCompletion(request, context)) as AsyncIterable<ChatCompletionChunk>) chunks.push(chunk);
  return chunks;
}

async function plainChat(request: ChatCompletionRequest, context: RequestContext): Promise<ChatCompletion> {
  return (await echo.chatCompletion({ ...request, stream: false }, context)) as ChatCompletion;
}

async function floatEmbeddings(request: Parameters<InferenceProvider['embeddings']>[0], context: RequestContext) {
  return echo.embeddings({ ...request, encoding_format: undefined }, context);
}

const models = (list: DiscoveredModel[]) => broken({ listModels: async () => list });
const listing = (provider: InferenceProvider) => checkListedModels(provider, { chatModel, embeddingModel, embeddingDimension });

describe('the conformance checks', () => {
  it.each<[string, () => Promise<void>, RegExp]>([
    [
      'a listed model without an id',
      () => listing(models([{ provider_resource_id: '', model_type: 'llm' }])),
      /non-empty provider_resource_id/,
    ],
    [
      'a listed model of an unknown type',
      () => listing(models([{ provider_resource_id: chatModel, model_type: 'chat' as never }])),
      /valid model_type/,
    ],
    [
      'an embedding model listed without its dimension',
      () =>
        listing(
          models([
            { provider_resource_id: chatModel, model_type: 'llm' },
            { provider_resource_id: embeddingModel, model_type: 'embedding', metadata: { embedding_dimension: '8' } },
          ]),
        ),
      /positive integer metadata\.embedding_dimension/,
    ],
    [
      'a listing without the chat model',
      () => listing(models([{ provider_resource_id: embeddingModel, model_type: 'embedding', metadata: { embedding_dimension: 8 } }])),
      /the chat model echo-chat is listed/,
    ],
    [
      'an embedding model listed with another dimension',
      () =>
        listing(
          models([
            { provider_resource_id: chatModel, model_type: 'llm' },
            { provider_resource_id: embeddingModel, model_type: 'embedding', metadata: { embedding_dimension: 16 } },
          ]),
        ),
      /listed with its dimension/,
    ],
    [
      'a chat completion without an id',
      () =>
        checkChatCompletion(
          broken({ chatCompletion: async (request, context) => ({ ...(await plainChat(request, context)), id: undefined as never }) }),
          chatModel,
        ),
      /the chat completion matches its schema/,
    ],
    [
      'a chat completion without choices',
      () => checkChatCompletion(broken({ chatCompletion: async (request, context) => ({ ...(await plainChat(request, context)), choices: [] }) }), chatModel),
      /has a choice/,
    ],
    [
      'a chat completion without finish_reason',
      () =>
        checkChatCompletion(
          broken({
            chatCompletion: async (request, context) => {
              const completion = await plainChat(request, context);
              return { ...completion, choices: [{ ...completion.choices[0], finish_reason: null }] };
            },
          }),
          chatModel,
        ),
      /choice 0 has a finish_reason/,
    ],
    [
      'a stream where one object was asked for',
      () => checkChatCompletion(broken({ chatCompletion: (request, context) => echo.chatCompletion({ ...request, stream: true }, context) }), chatModel),
      /one object, not a stream/,
    ],
    [
      'one object where a stream was asked for',
      () => checkChatCompletionStream(broken({ chatCompletion: plainChat }), chatModel),
      /is an async iterable/,
    ],
    [
      'a stream of a single chunk',
      () =>
        checkChatCompletionStream(
          broken({ chatCompletion: async (request, context) => yielding((await chunksOf(echo, request, context)).at(-1)!) }),
          chatModel,
        ),
      /more than one chunk/,
    ],
    [
      'a stream with a malformed chunk',
      () =>
        checkChatCompletionStream(
          broken({
            chatCompletion: async (request, context) => {
              const chunks = await chunksOf(echo, request, context);
              return yielding(...chunks, { ...chunks[1], choices: [{ delta: 'text' }] } as never);
            },
          }),
          chatModel,
        ),
      /chat completion chunk \d+ matches its schema/,
    ],
    [
      'a stream without usage',
      () =>
        checkChatCompletionStream(
          broken({ chatCompletion: async (request, context) => yielding(...(await chunksOf(echo, request, context)).slice(0, -1)) }),
          chatModel,
        ),
      /the last chunk reports usage/,
    ],
    [
      'a stream that ignores the abort',
      () =>
        checkAbortedStream(
          broken({ chatCompletion: (request) => echo.chatCompletion(request, { signal: new AbortController().signal }) }),
          chatModel,
        ),
      /went on for more than 1000 ms after its request was aborted/,
    ],
    [
      'a completion without created',
      () =>
        checkCompletion(
          broken({ completion: async (request, context) => ({ ...((await echo.completion(request, context)) as Completion), created: 'now' as never }) }),
          chatModel,
        ),
      /the completion matches its schema/,
    ],
    [
      'a streamed completion without text',
      () =>
        checkCompletionStream(
          broken({
            completion: async (request) =>
              yielding({ id: 'cmpl-1', object: 'text_completion', created: 1, model: request.model, choices: [{ index: 0, text: '', finish_reason: 'stop' }] } as Completion),
          }),
          chatModel,
        ),
      /add up to some text/,
    ],
    [
      'embeddings of another size',
      () => checkEmbeddings(echo, embeddingModel, 16),
      /embedding 0 has the model's dimension/,
    ],
    [
      'embeddings out of input order',
      () =>
        checkEmbeddings(
          broken({
            embeddings: async (request, context) => {
              const response = await echo.embeddings(request, context);
              return { ...response, data: [...response.data].reverse() };
            },
          }),
          embeddingModel,
          embeddingDimension,
        ),
      /in input order/,
    ],
    [
      'embeddings renumbered out of input order',
      () =>
        checkEmbeddings(
          broken({
            embeddings: async (request, context) => {
              const response = await echo.embeddings(request, context);
              return { ...response, data: [...response.data].reverse().map((item, index) => ({ ...item, index })) };
            },
          }),
          embeddingModel,
          embeddingDimension,
        ),
      /closer to the vector at index 1/,
    ],
    [
      'floats where base64 was asked for',
      () => checkEmbeddings(broken({ embeddings: floatEmbeddings }), embeddingModel, embeddingDimension),
      /base64 embedding 0 is a string/,
    ],
    [
      'base64 that is not float32',
      () =>
        checkEmbeddings(
          broken({
            embeddings: async (request, context) => {
              const response = await echo.embeddings(request, context);
              if (request.encoding_format !== 'base64') return response;
              return { ...response, data: response.data.map((item) => ({ ...item, embedding: 'not base64!' })) };
            },
          }),
          embeddingModel,
          embeddingDimension,
        ),
      /is base64 of float32 values/,
    ],
    [
      'base64 of other vectors',
      () =>
        checkEmbeddings(
          broken({
            embeddings: async (request, context) => {
              const response = await echo.embeddings(request, context);
              if (request.encoding_format !== 'base64') return response;
              return { ...response, data: response.data.map((item) => ({ ...item, embedding: encodeBase64(vectorFor('other')) })) };
            },
          }),
          embeddingModel,
          embeddingDimension,
        ),
      /decodes to its float twin/,
    ],
    [
      'an unknown model answered',
      () => checkUnknownModel(broken({ chatCompletion: (request, context) => echo.chatCompletion({ ...request, model: chatModel }, context) })),
      /a chat completion for an unknown model fails with NotFoundError or InvalidRequestError, not no error/,
    ],
    [
      'a raw SDK error for an unknown model',
      () =>
        checkUnknownModel(
          broken({
            chatCompletion: async () => {
              throw Object.assign(new Error('404 The model does not exist.'), { status: 404 });
            },
          }),
        ),
      /not Error: 404 The model does not exist/,
    ],
    [
      'an UpstreamError for an unknown model',
      () =>
        checkUnknownModel(
          broken({
            chatCompletion: async () => {
              throw new UpstreamError('The backend failed with HTTP 404.', { upstreamStatus: 404 });
            },
          }),
        ),
      /not UpstreamError: The backend failed with HTTP 404/,
    ],
    [
      'a raw error in the stream of an unknown model',
      () =>
        checkUnknownModel(
          broken({
            chatCompletion: async (request, context) => {
              if (!request.stream) return echo.chatCompletion(request, context);
              return (async function* () {
                yield* [];
                throw new TypeError('terminated');
              })();
            },
          }),
        ),
      /a streamed chat completion for an unknown model fails with NotFoundError or InvalidRequestError, not TypeError: terminated/,
    ],
    [
      'a raw error for embeddings of an unknown model',
      () =>
        checkUnknownModel(
          broken({
            embeddings: async () => {
              throw new Error('model not found');
            },
          }),
          { embeddings: true },
        ),
      /embeddings for an unknown model fails/,
    ],
  ])('fail on %s', async (_case, run, message) => {
    await expect(run()).rejects.toThrow(message);
  });
});
