import { defineRoute, type RouteDefinition } from '@stack/core';
import type { InferenceApi } from './inference-api.js';
import {
  chatCompletionChunkSchema,
  chatCompletionRequestSchema,
  chatCompletionSchema,
  completionRequestSchema,
  completionSchema,
  embeddingsRequestSchema,
  embeddingsResponseSchema,
  rerankRequestSchema,
  rerankResponseSchema,
} from './schemas/index.js';

/**
 * The inference API's HTTP operations, as in the reference spec. All three are OpenAI-compatible,
 * so they are also served under `/v1/openai/v1/…`. A handler that gets an async iterable back
 * (a request with `stream: true`) has it sent as server-sent events of `streamEvent`.
 */
export const inferenceRoutes: RouteDefinition<InferenceApi>[] = [
  defineRoute<InferenceApi, undefined, undefined, typeof chatCompletionRequestSchema>({
    api: 'inference',
    operationId: 'openaiChatCompletion',
    method: 'POST',
    path: '/v1/chat/completions',
    summary: 'Create chat completions.',
    description: 'Generate an OpenAI-compatible chat completion for the given messages using the specified model.',
    openaiCompatible: true,
    body: chatCompletionRequestSchema,
    response: chatCompletionSchema,
    streamEvent: chatCompletionChunkSchema,
    handler: (impl, input, context) => impl.chatCompletion(input.body, context),
  }),
  defineRoute<InferenceApi, undefined, undefined, typeof completionRequestSchema>({
    api: 'inference',
    operationId: 'openaiCompletion',
    method: 'POST',
    path: '/v1/completions',
    summary: 'Create completion.',
    description: 'Generate an OpenAI-compatible completion for the given prompt using the specified model.',
    openaiCompatible: true,
    body: completionRequestSchema,
    response: completionSchema,
    streamEvent: completionSchema,
    handler: (impl, input, context) => impl.completion(input.body, context),
  }),
  defineRoute<InferenceApi, undefined, undefined, typeof embeddingsRequestSchema>({
    api: 'inference',
    operationId: 'openaiEmbeddings',
    method: 'POST',
    path: '/v1/embeddings',
    summary: 'Create embeddings.',
    description: 'Generate OpenAI-compatible embeddings for the given input using the specified model.',
    openaiCompatible: true,
    body: embeddingsRequestSchema,
    response: embeddingsResponseSchema,
    handler: (impl, input, context) => impl.embeddings(input.body, context),
  }),
  defineRoute<InferenceApi, undefined, undefined, typeof rerankRequestSchema>({
    api: 'inference',
    operationId: 'rerank',
    method: 'POST',
    path: '/v1alpha/inference/rerank',
    summary: 'Rerank a list of documents based on their relevance to a query.',
    description: 'Rerank items by relevance to a query with a rerank model; answers indices sorted by relevance score (descending).',
    body: rerankRequestSchema,
    response: rerankResponseSchema,
    handler: (impl, input, context) => impl.rerank(input.body, context),
  }),
];
