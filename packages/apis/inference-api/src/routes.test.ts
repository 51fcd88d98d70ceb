import { createRequestContext, openaiAliasOf, type RequestContext } from '@stack/core';
import { describe, expect, it } from 'vitest';
import type { InferenceApi } from './inference-api.js';
import { inferenceRoutes } from './routes.js';
import {
  chatCompletionChunkSchema,
  chatCompletionRequestSchema,
  chatCompletionSchema,
  completionRequestSchema,
  completionSchema,
  embeddingsRequestSchema,
  embeddingsResponseSchema,
  type ChatCompletion,
  type ChatCompletionRequest,
  type Completion,
  type CompletionRequest,
  type EmbeddingsRequest,
  type EmbeddingsResponse,
  rerankRequestSchema,
  rerankResponseSchema,
  type RerankRequest,
  type ListChatCompletionsQuery,
  type RerankResponse,
} from './schemas/index.js';

/** An implementation that answers fixed payloads and records what it was called with. */
function recordingInference() {
  const calls: Array<{ operation: string; request: unknown; context: RequestContext | undefined }> = [];
  const chatAnswer: ChatCompletion = {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1747240000,
    model: 'llama3.2:3b',
    choices: [{ index: 0, message: { role: 'assistant', content: 'Hello.' }, finish_reason: 'stop' }],
  };
  const completionAnswer: Completion = {
    id: 'cmpl-1',
    object: 'text_completion',
    created: 1747240000,
    model: 'llama3.2:3b',
    choices: [{ index: 0, text: ' Paris', finish_reason: 'stop' }],
  };
  const embeddingsAnswer: EmbeddingsResponse = {
    object: 'list',
    model: 'nomic-embed-text',
    data: [{ object: 'embedding', index: 0, embedding: [0.1, 0.2] }],
    usage: { prompt_tokens: 2, total_tokens: 2 },
  };
  const rerankAnswer: RerankResponse = { data: [{ index: 1, relevance_score: 0.9 }, { index: 0, relevance_score: 0.1 }] };
  const impl: InferenceApi = {
    async chatCompletion(request: ChatCompletionRequest, context?: RequestContext) {
      calls.push({ operation: 'chatCompletion', request, context });
      return chatAnswer;
    },
    async completion(request: CompletionRequest, context?: RequestContext) {
      calls.push({ operation: 'completion', request, context });
      return completionAnswer;
    },
    async embeddings(request: EmbeddingsRequest, context?: RequestContext) {
      calls.push({ operation: 'embeddings', request, context });
      return embeddingsAnswer;
    },
    async listChatCompletions(query: ListChatCompletionsQuery, context?: RequestContext) {
      calls.push({ operation: 'listChatCompletions', request: query, context });
      return { object: 'list' as const, data: [], first_id: null, last_id: null, has_more: false };
    },
    async getChatCompletion(completionId: string, context?: RequestContext) {
      calls.push({ operation: 'getChatCompletion', request: completionId, context });
      return { ...chatAnswer, input_messages: [] };
    },
    async rerank(request: RerankRequest, context?: RequestContext) {
      calls.push({ operation: 'rerank', request, context });
      return rerankAnswer;
    },
  };
  return { impl, calls, answers: { chatAnswer, completionAnswer, embeddingsAnswer } };
}

function routeOf(operationId: string) {
  const route = inferenceRoutes.find((candidate) => candidate.operationId === operationId);
  if (!route) throw new Error(`No route ${operationId}`);
  return route;
}

describe('inferenceRoutes', () => {
  it('describes the three OpenAI-compatible operations of the reference spec, and rerank', () => {
    expect(
      inferenceRoutes.filter((route) => route.openaiCompatible && route.method === 'POST').map(({ api, operationId, method, path, openaiCompatible }) => ({
        api,
        operationId,
        method,
        path,
        openaiCompatible,
      })),
    ).toEqual([
      {
        api: 'inference',
        operationId: 'openaiChatCompletion',
        method: 'POST',
        path: '/v1/chat/completions',
        openaiCompatible: true,
      },
      {
        api: 'inference',
        operationId: 'openaiCompletion',
        method: 'POST',
        path: '/v1/completions',
        openaiCompatible: true,
      },
      {
        api: 'inference',
        operationId: 'openaiEmbeddings',
        method: 'POST',
        path: '/v1/embeddings',
        openaiCompatible: true,
      },
    ]);
    expect(routeOf('rerank')).toMatchObject({ method: 'POST', path: '/v1alpha/inference/rerank', body: rerankRequestSchema, response: rerankResponseSchema });
    expect(routeOf('rerank').openaiCompatible).toBeUndefined();
    expect(routeOf('listChatCompletions')).toMatchObject({ method: 'GET', path: '/v1/chat/completions' });
    expect(routeOf('listChatCompletions').query?.parse({ limit: '5', order: 'asc' })).toEqual({ limit: 5, order: 'asc' });
    expect(routeOf('listChatCompletions').query?.safeParse({ limit: '0' }).success).toBe(false);
    expect(routeOf('getChatCompletion')).toMatchObject({ method: 'GET', path: '/v1/chat/completions/{completion_id}' });
    expect(inferenceRoutes.filter((route) => route.openaiCompatible && route.method === 'POST').map((route) => openaiAliasOf(route.path))).toEqual([
      '/v1/openai/v1/chat/completions',
      '/v1/openai/v1/completions',
      '/v1/openai/v1/embeddings',
    ]);
  });

  it('validates with the package schemas and streams only what can stream', () => {
    expect(routeOf('openaiChatCompletion')).toMatchObject({
      body: chatCompletionRequestSchema,
      response: chatCompletionSchema,
      streamEvent: chatCompletionChunkSchema,
    });
    expect(routeOf('openaiCompletion')).toMatchObject({
      body: completionRequestSchema,
      response: completionSchema,
      streamEvent: completionSchema,
    });
    expect(routeOf('openaiEmbeddings')).toMatchObject({
      body: embeddingsRequestSchema,
      response: embeddingsResponseSchema,
    });
    expect(routeOf('openaiEmbeddings').streamEvent).toBeUndefined();
  });

  it('hands the parsed body and the request context to the implementation', async () => {
    const { impl, calls, answers } = recordingInference();
    const context = createRequestContext({ providerData: { fireworks_api_key: 'secret' } });
    const bodies = {
      openaiChatCompletion: { model: 'llama3.2:3b', messages: [{ role: 'user', content: 'Hi' }], guided_json: {} },
      openaiCompletion: { model: 'llama3.2:3b', prompt: 'The capital of France is' },
      openaiEmbeddings: { model: 'nomic-embed-text', input: ['Hi'] },
    };

    const answered = [];
    for (const [operationId, raw] of Object.entries(bodies)) {
      const route = routeOf(operationId);
      const body = route.body?.parse(raw);
      answered.push(await route.handler(impl, { path: {}, query: {}, body }, context));
    }

    expect(answered).toEqual([answers.chatAnswer, answers.completionAnswer, answers.embeddingsAnswer]);
    expect(calls).toEqual([
      { operation: 'chatCompletion', request: bodies.openaiChatCompletion, context },
      { operation: 'completion', request: bodies.openaiCompletion, context },
      { operation: 'embeddings', request: bodies.openaiEmbeddings, context },
    ]);
  });

  it('answers with payloads its own response schemas accept', async () => {
    const { impl } = recordingInference();
    const context = createRequestContext();
    const chat = await routeOf('openaiChatCompletion').handler(
      impl,
      { path: {}, query: {}, body: { model: 'm', messages: [{ role: 'user', content: 'Hi' }] } },
      context,
    );
    expect(routeOf('openaiChatCompletion').response?.safeParse(chat).success).toBe(true);
  });
});
