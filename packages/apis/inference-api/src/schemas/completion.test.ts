import type OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import vllmCompletion from './__fixtures__/vllm-completion-logprobs.json';
import { completionRequestSchema, completionSchema, type Completion } from './index.js';
import { problemPaths, problems, type DeclaredFields } from './test-support.js';

const instructRequest: OpenAI.CompletionCreateParamsNonStreaming = {
  model: 'gpt-3.5-turbo-instruct',
  prompt: 'The capital of France is',
  suffix: '\n',
  max_tokens: 6,
  temperature: 0,
  top_p: 1,
  n: 1,
  best_of: 2,
  echo: true,
  logprobs: 2,
  stop: ['\n'],
  seed: 7,
  frequency_penalty: 0,
  presence_penalty: 0,
  logit_bias: { '50256': -100 },
  user: 'user-1234',
};

const streamingRequest: OpenAI.CompletionCreateParamsStreaming = {
  model: 'meta-llama/Llama-3.1-8B',
  prompt: [
    [128000, 791, 6864, 315, 9822, 374],
    [128000, 791, 6864, 315, 6457, 374],
  ],
  stream: true,
  stream_options: { include_usage: true },
};

describe('completionRequestSchema', () => {
  it('parses requests typed with the openai package unchanged', () => {
    expect(completionRequestSchema.parse(instructRequest)).toEqual(instructRequest);
    expect(completionRequestSchema.parse(streamingRequest)).toEqual(streamingRequest);
  });

  it('declares every field of the openai request type with a type that accepts it (checked by tsc)', () => {
    const request: OpenAI.CompletionCreateParams = instructRequest;
    const accepted: DeclaredFields<z.input<typeof completionRequestSchema>> = request;
    expect(accepted).toBe(request);
  });

  it.each([
    ['a string', 'Once upon a time'],
    ['strings', ['Once upon a time', 'In a galaxy']],
    ['token ids', [128000, 12805, 5304, 264, 892]],
    [
      'token-id arrays',
      [
        [128000, 12805],
        [128000, 644],
      ],
    ],
    ['null, as OpenAI allows', null],
  ])('accepts a prompt of %s', (_case, prompt) => {
    expect(completionRequestSchema.parse({ model: 'm', prompt })).toEqual({ model: 'm', prompt });
  });

  it('accepts logprobs as the reference spec (boolean) and OpenAI (0–5) give it', () => {
    expect(completionRequestSchema.parse({ model: 'm', prompt: 'x', logprobs: true }).logprobs).toBe(true);
    expect(completionRequestSchema.parse({ model: 'm', prompt: 'x', logprobs: 5 }).logprobs).toBe(5);
  });

  it('passes vendor extensions through', () => {
    const vllm = { model: 'm', prompt: 'x', guided_regex: '\\d+', top_k: 20, repetition_penalty: 1.1 };
    expect(completionRequestSchema.parse(vllm)).toEqual(vllm);
  });

  it.each([
    ['model is missing', { prompt: 'x' }, ['model']],
    ['prompt is missing', { model: 'm' }, ['prompt']],
    ['logprobs is above 5', { model: 'm', prompt: 'x', logprobs: 6 }, ['logprobs']],
    ['temperature is negative', { model: 'm', prompt: 'x', temperature: -0.1 }, ['temperature']],
    ['best_of is zero', { model: 'm', prompt: 'x', best_of: 0 }, ['best_of']],
    ['echo is a string', { model: 'm', prompt: 'x', echo: 'true' }, ['echo']],
  ])('rejects a request where %s', (_case, input, paths) => {
    expect(problemPaths(completionRequestSchema, input)).toEqual(paths);
  });

  it('says where a prompt goes wrong', () => {
    expect(problems(completionRequestSchema, { model: 'm', prompt: [[1, 'two']] })).toEqual([
      'prompt: 0.1: Invalid input: expected number, received string',
    ]);
    expect(problems(completionRequestSchema, { model: 'm', prompt: 42 })).toEqual([
      'prompt: Expected a string, an array of strings, an array of token ids or an array of token-id arrays.',
    ]);
  });
});

describe('completionSchema', () => {
  it('parses a vLLM completion with legacy logprobs and extra fields unchanged', () => {
    const completion = completionSchema.parse(vllmCompletion);
    expect(completion).toEqual(vllmCompletion);
    expect(completion.choices[0].logprobs?.tokens?.join('')).toBe(completion.choices[0].text);
    expect(completion.kv_transfer_params).toBeNull();
  });

  it('parses the events of a streamed OpenAI completion', () => {
    const lastEvent: OpenAI.Completion = {
      id: 'cmpl-BXk7aQ2',
      object: 'text_completion',
      created: 1747240200,
      model: 'gpt-3.5-turbo-instruct:20230824-v2',
      choices: [{ text: '.', index: 0, logprobs: null, finish_reason: 'stop' }],
    };
    // Before the last event, `finish_reason` is null (the openai types do not say so).
    const firstEvent = { ...lastEvent, choices: [{ text: ' Paris', index: 0, logprobs: null, finish_reason: null }] };
    expect([firstEvent, lastEvent].map((event) => completionSchema.parse(event))).toEqual([firstEvent, lastEvent]);
    // Checked by tsc: what the openai package types describe fits the declared fields.
    const declared: DeclaredFields<Completion> = lastEvent;
    expect(declared).toBe(lastEvent);
  });

  it('accepts the chat-style logprobs of the reference spec', () => {
    const referenceShape = {
      id: 'cmpl-1',
      object: 'text_completion',
      created: 1747240300,
      model: 'llama3.2:3b',
      choices: [
        {
          index: 0,
          text: ' Paris',
          finish_reason: 'stop',
          logprobs: { content: [{ token: ' Paris', logprob: -0.05 }] },
        },
      ],
    };
    expect(completionSchema.parse(referenceShape)).toEqual(referenceShape);
  });

  it('rejects a choice without text', () => {
    const noText = { ...vllmCompletion, choices: [{ index: 0, finish_reason: 'stop' }] };
    expect(problemPaths(completionSchema, noText)).toEqual(['choices.0.text']);
  });
});
