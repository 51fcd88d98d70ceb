import { createRequestContext, StackError } from '@stack/core';
import { expect } from 'vitest';
import type { z } from 'zod';
import type { InferenceProvider } from '../inference-api.js';
import {
  chatCompletionChunkSchema,
  chatCompletionRequestSchema,
  chatCompletionSchema,
  completionRequestSchema,
  completionSchema,
  embeddingsRequestSchema,
  embeddingsResponseSchema,
  rerankResponseSchema,
  type ChatCompletionRequest,
  type CompletionRequest,
  type EmbeddingsRequest,
} from '../schemas/index.js';
import { collect, drain, failureOf, isAsyncIterable, withDeadline } from './async-iteration.js';
import { decodeFloat32Base64 } from './float32-base64.js';

/**
 * The checks of the conformance suite, one function each, so the suite's own tests can show that
 * every one of them fails on a provider that breaks its rule. Each throws an assertion error.
 */

/** How long a stream may go on after its request's signal was aborted. */
export const abortDeadlineMs = 1_000;

/** Largest difference allowed between a float embedding and its base64 twin (float32 rounding). */
export const base64Tolerance = 1e-5;

/** A model id no backend serves. */
export const unknownModelId = 'stack-conformance/no-such-model';

const modelTypes: readonly string[] = ['llm', 'embedding', 'rerank'];
const embeddingInputs = ['The quick brown fox jumps over the lazy dog.', 'Pack my box with five dozen liquor jugs.'];

// Requests go through the request schemas, so a provider sees them exactly as it would behind the server.
function chatRequest(model: string, extra: Record<string, unknown> = {}): ChatCompletionRequest {
  return chatCompletionRequestSchema.parse({ model, messages: [{ role: 'user', content: 'Say hello in one short sentence.' }], ...extra });
}

function completionRequest(model: string, extra: Record<string, unknown> = {}): CompletionRequest {
  // A base model without a limit may ramble on; 16 is OpenAI's own default for completions.
  return completionRequestSchema.parse({ model, prompt: 'The capital of France is', max_tokens: 16, ...extra });
}

function embeddingsRequest(model: string, extra: Record<string, unknown> = {}): EmbeddingsRequest {
  return embeddingsRequestSchema.parse({ model, input: embeddingInputs, ...extra });
}

/** Parses `value`, failing with every problem's path and message rather than the first one only. */
function expectMatches<Schema extends z.ZodType>(schema: Schema, value: unknown, what: string): z.output<Schema> {
  const result = schema.safeParse(value);
  const problems = result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  expect(problems, `${what} matches its schema`).toEqual([]);
  return result.data as z.output<Schema>;
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

function describeError(error: unknown): string {
  if (error === undefined) return 'no error';
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

export interface ListedModelExpectations {
  chatModel?: string;
  embeddingModel?: string;
  embeddingDimension?: number;
}

/** `listModels()` describes every model usably, and includes the models the fixture named. */
export async function checkListedModels(provider: InferenceProvider, expected: ListedModelExpectations): Promise<void> {
  expect(typeof provider.listModels, 'listModels is a function').toBe('function');
  const models = await provider.listModels!(createRequestContext());
  expect(Array.isArray(models), 'listModels() answers with an array').toBe(true);
  for (const [position, model] of models.entries()) {
    const label = `listed model ${position} (${JSON.stringify(model.provider_resource_id)})`;
    expect(isNonEmptyString(model.provider_resource_id), `${label} has a non-empty provider_resource_id`).toBe(true);
    expect(modelTypes, `${label} has a valid model_type`).toContain(model.model_type);
    if (model.model_type === 'embedding') {
      // Vector stores size their indexes from it.
      const dimension = model.metadata?.embedding_dimension;
      expect(
        typeof dimension === 'number' && Number.isInteger(dimension) && dimension > 0,
        `${label} carries a positive integer metadata.embedding_dimension, not ${JSON.stringify(dimension)}`,
      ).toBe(true);
    }
  }
  if (expected.chatModel !== undefined) {
    const chat = models.find((model) => model.provider_resource_id === expected.chatModel);
    expect(chat, `the chat model ${expected.chatModel} is listed`).toBeDefined();
    expect(chat?.model_type, `the chat model ${expected.chatModel} is listed as an llm`).toBe('llm');
  }
  if (expected.embeddingModel !== undefined) {
    const embedding = models.find((model) => model.provider_resource_id === expected.embeddingModel);
    expect(embedding?.model_type, `the embedding model ${expected.embeddingModel} is listed as an embedding model`).toBe('embedding');
    if (expected.embeddingDimension !== undefined) {
      expect(embedding?.metadata?.embedding_dimension, `the embedding model ${expected.embeddingModel} is listed with its dimension`).toBe(
        expected.embeddingDimension,
      );
    }
  }
}

/** A chat completion without `stream` is one object with an assistant answer and a finish reason. */
export async function checkChatCompletion(provider: InferenceProvider, model: string): Promise<void> {
  const result = await provider.chatCompletion(chatRequest(model), createRequestContext());
  expect(isAsyncIterable(result), 'a chat completion without stream is one object, not a stream').toBe(false);
  const completion = expectMatches(chatCompletionSchema, result, 'the chat completion');
  expect(completion.choices.length, 'the chat completion has a choice').toBeGreaterThanOrEqual(1);
  for (const choice of completion.choices) {
    expect(choice.message.role, `choice ${choice.index} holds an assistant message`).toBe('assistant');
    expect(isNonEmptyString(choice.message.content), `choice ${choice.index} has text content`).toBe(true);
    expect(isNonEmptyString(choice.finish_reason), `choice ${choice.index} has a finish_reason`).toBe(true);
  }
}

/** A streamed chat completion is a stream of valid chunks with text, a finish reason and usage last. */
export async function checkChatCompletionStream(provider: InferenceProvider, model: string): Promise<void> {
  const request = chatRequest(model, { stream: true, stream_options: { include_usage: true } });
  const result = await provider.chatCompletion(request, createRequestContext());
  expect(isAsyncIterable(result), 'a chat completion with stream: true is an async iterable').toBe(true);
  const chunks = (await collect(result as AsyncIterable<unknown>)).map((chunk, position) =>
    expectMatches(chatCompletionChunkSchema, chunk, `chat completion chunk ${position}`),
  );
  expect(chunks.length, 'the stream has more than one chunk').toBeGreaterThan(1);
  const text = chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.delta.content ?? '')).join('');
  expect(text.length, 'the streamed deltas add up to some text').toBeGreaterThan(0);
  const finished = chunks.some((chunk) => chunk.choices.some((choice) => isNonEmptyString(choice.finish_reason)));
  expect(finished, 'a chunk reports the finish_reason').toBe(true);
  const usage = chunks.at(-1)?.usage;
  expect(usage, 'the last chunk reports usage, as stream_options.include_usage asks').toBeTruthy();
  expect(usage?.total_tokens, 'the reported usage counts tokens').toBeGreaterThan(0);
}

/**
 * Aborting the request's signal mid-stream ends the iteration, by throwing or by stopping, within
 * `abortDeadlineMs`. It only bites when the backend's stream would last longer than that.
 */
export async function checkAbortedStream(provider: InferenceProvider, model: string): Promise<void> {
  const controller = new AbortController();
  const result = await provider.chatCompletion(chatRequest(model, { stream: true }), createRequestContext({ signal: controller.signal }));
  expect(isAsyncIterable(result), 'a chat completion with stream: true is an async iterable').toBe(true);
  const iterator = (result as AsyncIterable<unknown>)[Symbol.asyncIterator]();
  try {
    expect((await iterator.next()).done, 'the stream yields a first chunk').toBe(false);
    controller.abort();
    await withDeadline(drain(iterator), abortDeadlineMs, `the stream went on for more than ${abortDeadlineMs} ms after its request was aborted`);
  } finally {
    controller.abort();
    // Not awaited: after a missed deadline the iterator may never settle.
    iterator.return?.().catch(() => undefined);
  }
}

/** A text completion without `stream` is one valid object with a choice that finished. */
export async function checkCompletion(provider: InferenceProvider, model: string): Promise<void> {
  const result = await provider.completion(completionRequest(model), createRequestContext());
  expect(isAsyncIterable(result), 'a completion without stream is one object, not a stream').toBe(false);
  const completion = expectMatches(completionSchema, result, 'the completion');
  expect(completion.choices.length, 'the completion has a choice').toBeGreaterThanOrEqual(1);
  for (const choice of completion.choices) {
    expect(isNonEmptyString(choice.finish_reason), `choice ${choice.index} has a finish_reason`).toBe(true);
  }
}

/** A streamed text completion is a stream of valid completion objects adding up to some text. */
export async function checkCompletionStream(provider: InferenceProvider, model: string): Promise<void> {
  const result = await provider.completion(completionRequest(model, { stream: true }), createRequestContext());
  expect(isAsyncIterable(result), 'a completion with stream: true is an async iterable').toBe(true);
  const chunks = (await collect(result as AsyncIterable<unknown>)).map((chunk, position) =>
    expectMatches(completionSchema, chunk, `completion chunk ${position}`),
  );
  expect(chunks.length, 'the stream has a chunk').toBeGreaterThanOrEqual(1);
  const text = chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.text)).join('');
  expect(text.length, 'the streamed chunks add up to some text').toBeGreaterThan(0);
  const finished = chunks.some((chunk) => chunk.choices.some((choice) => isNonEmptyString(choice.finish_reason)));
  expect(finished, 'a chunk reports the finish_reason').toBe(true);
}

function cosine(left: number[], right: number[]): number {
  let dot = 0;
  let leftNorm = 0;
  let rightNorm = 0;
  for (let index = 0; index < left.length; index++) {
    dot += left[index] * right[index];
    leftNorm += left[index] * left[index];
    rightNorm += right[index] * right[index];
  }
  return dot / Math.sqrt(leftNorm * rightNorm);
}

/**
 * Two inputs give two float vectors of the model's size, in input order; `encoding_format:
 * 'base64'` gives the same vectors as little-endian float32. Without `dimension`, the two vectors
 * need only agree in size.
 */
export async function checkEmbeddings(provider: InferenceProvider, model: string, dimension?: number): Promise<void> {
  const floats = expectMatches(embeddingsResponseSchema, await provider.embeddings(embeddingsRequest(model), createRequestContext()), 'the embeddings');
  expect(
    floats.data.map((item) => item.index),
    'one embedding per input, in input order',
  ).toEqual([0, 1]);
  const vectors = floats.data.map((item) => {
    expect(Array.isArray(item.embedding), `embedding ${item.index} is an array of numbers by default`).toBe(true);
    return item.embedding as number[];
  });
  const size = dimension ?? vectors[0].length;
  for (const [position, vector] of vectors.entries()) {
    expect(vector.length, `embedding ${position} has the model's dimension`).toBe(size);
    expect(vector.every(Number.isFinite), `embedding ${position} holds finite numbers`).toBe(true);
  }
  expect(size, 'embeddings are not empty').toBeGreaterThan(0);

  // Indexes alone could be renumbered: the second input on its own must look like the second vector.
  const single = expectMatches(
    embeddingsResponseSchema,
    await provider.embeddings(embeddingsRequest(model, { input: [embeddingInputs[1]] }), createRequestContext()),
    'the embedding of one input',
  );
  const alone = single.data[0]?.embedding;
  expect(Array.isArray(alone) && alone.length === size, 'one input gives one vector of the same size').toBe(true);
  expect(
    cosine(alone as number[], vectors[1]),
    'the second input alone is closer to the vector at index 1 than to the one at index 0',
  ).toBeGreaterThan(cosine(alone as number[], vectors[0]));

  const encoded = expectMatches(
    embeddingsResponseSchema,
    await provider.embeddings(embeddingsRequest(model, { encoding_format: 'base64' }), createRequestContext()),
    'the base64 embeddings',
  );
  expect(
    encoded.data.map((item) => item.index),
    'one base64 embedding per input, in input order',
  ).toEqual([0, 1]);
  for (const [position, item] of encoded.data.entries()) {
    expect(typeof item.embedding, `base64 embedding ${position} is a string`).toBe('string');
    const decoded = decodeFloat32Base64(item.embedding as string);
    expect(decoded, `base64 embedding ${position} is base64 of float32 values`).toBeDefined();
    expect(decoded?.length, `base64 embedding ${position} has the model's dimension`).toBe(size);
    const largestDifference = decoded!.reduce((largest, value, index) => Math.max(largest, Math.abs(value - vectors[position][index])), 0);
    expect(largestDifference, `base64 embedding ${position} decodes to its float twin`).toBeLessThanOrEqual(base64Tolerance);
  }
}

export interface UnknownModelCalls {
  /** Chat is tried unless this is false (an embedding-only provider). */
  chat?: boolean;
  completion?: boolean;
  embeddings?: boolean;
}

/**
 * A model the backend does not serve is reported as `NotFoundError` or `InvalidRequestError` of
 * `@stack/core`, by every operation, streamed or not: the server maps only that closed set to
 * HTTP, and a raw SDK error would reach the client as a 500.
 */
/** Three items of which one answers the query: it must come first, with a complete ranking. */
export async function checkRerank(provider: InferenceProvider, model: string): Promise<void> {
  expect(typeof provider.rerank, 'rerank is a function').toBe('function');
  const items = ['The Eiffel Tower is in Paris.', 'Bananas are rich in potassium.', 'Pandas eat bamboo.'];
  const answer = await provider.rerank!({ model, query: 'Which city is the Eiffel Tower in?', items }, createRequestContext());
  const parsed = rerankResponseSchema.safeParse(answer);
  expect(parsed.success, `the rerank answer parses with rerankResponseSchema: ${parsed.error?.message ?? ''}`).toBe(true);
  expect(answer.data.map((item) => item.index).sort(), 'every item is ranked once').toEqual([0, 1, 2]);
  const scores = answer.data.map((item) => item.relevance_score);
  expect(scores, 'results are sorted by relevance, most relevant first').toEqual([...scores].sort((a, b) => b - a));
  expect(answer.data[0]?.index, 'the item that answers the query ranks first').toBe(0);
  const top = await provider.rerank!({ model, query: 'Which city is the Eiffel Tower in?', items, max_num_results: 1 }, createRequestContext());
  expect(top.data, 'max_num_results limits the answer').toHaveLength(1);
}

export async function checkUnknownModel(provider: InferenceProvider, calls: UnknownModelCalls = {}): Promise<void> {
  const attempts: Array<[string, () => Promise<unknown>]> = [];
  if (calls.chat !== false) {
    attempts.push(['a chat completion', () => provider.chatCompletion(chatRequest(unknownModelId), createRequestContext())]);
    attempts.push(['a streamed chat completion', () => provider.chatCompletion(chatRequest(unknownModelId, { stream: true }), createRequestContext())]);
  }
  if (calls.completion) attempts.push(['a completion', () => provider.completion(completionRequest(unknownModelId), createRequestContext())]);
  if (calls.embeddings) attempts.push(['embeddings', () => provider.embeddings(embeddingsRequest(unknownModelId), createRequestContext())]);
  for (const [what, attempt] of attempts) {
    const error = await failureOf(attempt);
    // `NotFoundError.isInstance` is inherited from StackError and holds for every kind, so the kind decides.
    const kind = StackError.isInstance(error) ? error.kind : undefined;
    expect(
      ['not_found', 'invalid_request'],
      `${what} for an unknown model fails with NotFoundError or InvalidRequestError, not ${describeError(error)}`,
    ).toContain(kind);
    expect(isNonEmptyString((error as Error).message), `${what} for an unknown model fails with a message`).toBe(true);
  }
}
