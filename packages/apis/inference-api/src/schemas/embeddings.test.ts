import type OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import base64Response from './__fixtures__/openai-embeddings-base64.json';
import vllmResponse from './__fixtures__/vllm-embeddings-float.json';
import { embeddingsRequestSchema, embeddingsResponseSchema, type EmbeddingsResponse } from './index.js';
import { problemPaths, problems, type DeclaredFields } from './test-support.js';

/** OpenAI's base64 encoding: little-endian float32 values. */
function decodeFloats(embedding: number[] | string): number[] {
  if (typeof embedding !== 'string') return embedding;
  const bytes = Buffer.from(embedding, 'base64');
  return Array.from({ length: bytes.length / 4 }, (_, index) => bytes.readFloatLE(index * 4));
}

describe('embeddingsRequestSchema', () => {
  it.each<[string, OpenAI.EmbeddingCreateParams]>([
    ['a string', { model: 'text-embedding-3-small', input: 'The food was delicious.' }],
    [
      'strings, with every option',
      {
        model: 'text-embedding-3-large',
        input: ['first document', 'second document'],
        encoding_format: 'base64',
        dimensions: 256,
        user: 'user-1234',
      },
    ],
    ['token ids', { model: 'text-embedding-ada-002', input: [791, 3691, 574, 18406, 13] }],
    [
      'token-id arrays',
      {
        model: 'text-embedding-ada-002',
        input: [
          [791, 3691],
          [18406, 13],
        ],
        encoding_format: 'float',
      },
    ],
  ])('parses a request typed with the openai package with %s unchanged', (_case, request) => {
    expect(embeddingsRequestSchema.parse(request)).toEqual(request);
  });

  it('declares every field of the openai request type with a type that accepts it (checked by tsc)', () => {
    const request: OpenAI.EmbeddingCreateParams = { model: 'm', input: 'x' };
    const accepted: DeclaredFields<z.input<typeof embeddingsRequestSchema>> = request;
    expect(accepted).toBe(request);
  });

  it('passes vendor extensions through', () => {
    const nvidia = { model: 'nvidia/nv-embedqa-e5-v5', input: ['query'], input_type: 'query', truncate: 'END' };
    expect(embeddingsRequestSchema.parse(nvidia)).toEqual(nvidia);
  });

  it.each([
    ['model is missing', { input: 'x' }, ['model']],
    ['input is missing', { model: 'm' }, ['input']],
    ['input is an empty array', { model: 'm', input: [] }, ['input']],
    ['a token-id array is empty', { model: 'm', input: [[]] }, ['input.0']],
    ['encoding_format is unknown', { model: 'm', input: 'x', encoding_format: 'int8' }, ['encoding_format']],
    ['dimensions is zero', { model: 'm', input: 'x', dimensions: 0 }, ['dimensions']],
    ['dimensions is null, which OpenAI refuses too', { model: 'm', input: 'x', dimensions: null }, ['dimensions']],
  ])('rejects a request where %s', (_case, input, paths) => {
    expect(problemPaths(embeddingsRequestSchema, input)).toEqual(paths);
  });

  it('says what input it expected', () => {
    expect(problems(embeddingsRequestSchema, { model: 'm', input: [0.5, 1.5] })).toEqual([
      'input: Expected a string or a non-empty array of strings, token ids or token-id arrays.',
    ]);
  });
});

describe('embeddingsResponseSchema', () => {
  it('parses an OpenAI base64 response unchanged', () => {
    const response = embeddingsResponseSchema.parse(base64Response);
    expect(response).toEqual(base64Response);
    expect(response.data.map((item) => decodeFloats(item.embedding))).toEqual([
      [1, 2, 3, 4],
      [-1, -2, -3, -4],
    ]);
  });

  it('parses a vLLM float response with its extra fields unchanged', () => {
    expect(embeddingsResponseSchema.parse(vllmResponse)).toEqual(vllmResponse);
  });

  it('fills in what sparse backends leave out', () => {
    const sparse = { model: 'nomic-embed-text', data: [{ index: 0, embedding: [0.1, -0.2] }] };
    expect(embeddingsResponseSchema.parse(sparse)).toEqual({
      object: 'list',
      model: 'nomic-embed-text',
      data: [{ object: 'embedding', index: 0, embedding: [0.1, -0.2] }],
    });
  });

  it('rejects an embedding that is neither floats nor base64', () => {
    const wrong = { ...vllmResponse, data: [{ index: 0, object: 'embedding', embedding: { values: [0.1] } }] };
    expect(problemPaths(embeddingsResponseSchema, wrong)).toEqual(['data.0.embedding']);
  });

  it('accepts what the openai package types describe (checked by tsc)', () => {
    const response = vllmResponse as OpenAI.CreateEmbeddingResponse;
    const declared: DeclaredFields<EmbeddingsResponse> = response;
    expect(declared).toBe(response);
  });
});
