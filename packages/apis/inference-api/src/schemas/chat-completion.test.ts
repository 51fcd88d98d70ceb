import type OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import toolCallsCompletion from './__fixtures__/openai-chat-completion-tool-calls.json';
import toolCallStream from './__fixtures__/openai-chat-completion-stream-tool-call.json';
import reasoningCompletion from './__fixtures__/vllm-chat-completion-reasoning.json';
import {
  chatCompletionChunkSchema,
  chatCompletionMessageSchema,
  chatCompletionRequestSchema,
  chatCompletionSchema,
  type ChatCompletion,
  type ChatCompletionChunk,
  type ChatCompletionMessageParam,
} from './index.js';
import { problemPaths, problems, type DeclaredFields } from './test-support.js';

const weatherTool: OpenAI.ChatCompletionFunctionTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather for a city.',
    parameters: {
      type: 'object',
      properties: { location: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } },
      required: ['location', 'unit'],
      additionalProperties: false,
    },
    strict: true,
  },
};

/** A request using most of the surface the `openai` package types allow. */
const multimodalToolRequest: OpenAI.ChatCompletionCreateParamsNonStreaming = {
  model: 'gpt-4o',
  messages: [
    { role: 'developer', content: 'Answer in French.' },
    { role: 'system', content: [{ type: 'text', text: 'You are a weather assistant.' }], name: 'policy' },
    {
      role: 'user',
      name: 'alice',
      content: [
        { type: 'text', text: 'What is the weather where this photo was taken, and in Tokyo?' },
        { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'high' } },
        { type: 'input_audio', input_audio: { data: 'UklGRiQAAABXQVZF', format: 'wav' } },
        { type: 'file', file: { file_id: 'file-7RQw2Yb4uPz3', filename: 'trip.pdf' } },
      ],
    },
    {
      role: 'assistant',
      content: null,
      refusal: null,
      audio: { id: 'audio_6830e0e5a5d0819190b7c2d6e3e5b3a4' },
      tool_calls: [
        {
          id: 'call_Vp3WZbq8mKx1T5rJ0nYdA2Lh',
          type: 'function',
          function: { name: 'get_weather', arguments: '{"location":"Paris, France","unit":"celsius"}' },
        },
      ],
    },
    { role: 'tool', tool_call_id: 'call_Vp3WZbq8mKx1T5rJ0nYdA2Lh', content: '{"temperature":18}' },
    { role: 'assistant', content: [{ type: 'refusal', refusal: 'I cannot share the location of the photo.' }] },
  ],
  tools: [weatherTool, { type: 'custom', custom: { name: 'sql', description: 'Run SQL.', format: { type: 'text' } } }],
  tool_choice: { type: 'function', function: { name: 'get_weather' } },
  parallel_tool_calls: true,
  response_format: {
    type: 'json_schema',
    json_schema: {
      name: 'weather_report',
      description: 'A short weather report.',
      schema: {
        type: 'object',
        properties: { summary: { type: 'string' }, celsius: { type: 'number' } },
        required: ['summary', 'celsius'],
        additionalProperties: false,
      },
      strict: true,
    },
  },
  temperature: 0.2,
  top_p: 0.9,
  frequency_penalty: 0.5,
  presence_penalty: -0.5,
  max_completion_tokens: 512,
  n: 1,
  seed: 42,
  stop: ['\n\n', 'END'],
  logprobs: true,
  top_logprobs: 5,
  logit_bias: { '50256': -100 },
  user: 'user-1234',
  metadata: { session: 'abc' },
  modalities: ['text', 'audio'],
  audio: { format: 'mp3', voice: 'alloy' },
  prediction: { type: 'content', content: 'The weather in Paris is' },
  reasoning_effort: 'low',
  service_tier: 'auto',
  store: false,
  verbosity: 'medium',
  safety_identifier: 'hashed-user-1234',
  prompt_cache_key: 'weather-v1',
  web_search_options: {
    search_context_size: 'low',
    user_location: { type: 'approximate', approximate: { city: 'Paris', country: 'FR' } },
  },
};

const streamingRequest: OpenAI.ChatCompletionCreateParamsStreaming = {
  model: 'meta-llama/Llama-3.1-8B-Instruct',
  messages: [{ role: 'user', content: 'Write a haiku about the sea.' }],
  stream: true,
  stream_options: { include_usage: true },
  response_format: { type: 'json_object' },
  tool_choice: 'required',
  tools: [weatherTool],
  stop: 'END',
  max_tokens: 100,
  functions: [{ name: 'legacy', parameters: { type: 'object', properties: {} } }],
  function_call: { name: 'legacy' },
};

const minimal = { model: 'llama3.2:3b', messages: [{ role: 'user', content: 'Hi' }] };

describe('chatCompletionRequestSchema', () => {
  it('parses requests typed with the openai package unchanged', () => {
    expect(chatCompletionRequestSchema.parse(multimodalToolRequest)).toEqual(multimodalToolRequest);
    expect(chatCompletionRequestSchema.parse(streamingRequest)).toEqual(streamingRequest);
  });

  it('declares every field of the openai request types with a type that accepts them', () => {
    // Checked by `tsc`: an OpenAI request that does not fit the declared fields fails to compile.
    const request: OpenAI.ChatCompletionCreateParams = streamingRequest;
    const accepted: DeclaredFields<z.input<typeof chatCompletionRequestSchema>> = request;
    expect(accepted).toBe(request);
  });

  it('passes unknown top-level and nested fields through to the provider', () => {
    const withExtensions = {
      ...minimal,
      messages: [
        {
          role: 'user',
          content: [{ type: 'text', text: 'Hi', cache_control: { type: 'ephemeral' } }],
        },
      ],
      guided_json: { type: 'object', properties: { answer: { type: 'string' } } },
      chat_template_kwargs: { enable_thinking: false },
      top_k: 40,
    };
    expect(chatCompletionRequestSchema.parse(withExtensions)).toEqual(withExtensions);
  });

  it('accepts null for optional fields, as OpenAI and the reference server do', () => {
    const withNulls = {
      ...minimal,
      temperature: null,
      top_p: null,
      max_tokens: null,
      stop: null,
      seed: null,
      stream: null,
      stream_options: null,
      response_format: null,
      tools: null,
      tool_choice: null,
      parallel_tool_calls: null,
      user: null,
      logprobs: null,
    };
    expect(chatCompletionRequestSchema.parse(withNulls)).toEqual(withNulls);
  });

  it.each([
    ['model is missing', { messages: minimal.messages }, ['model']],
    ['model is empty', { ...minimal, model: '' }, ['model']],
    ['messages is empty', { ...minimal, messages: [] }, ['messages']],
    ['a role is unknown', { ...minimal, messages: [{ role: 'bot', content: 'Hi' }] }, ['messages.0.role']],
    ['temperature is above 2', { ...minimal, temperature: 2.5 }, ['temperature']],
    ['top_p is above 1', { ...minimal, top_p: 1.5 }, ['top_p']],
    ['a penalty is below -2', { ...minimal, frequency_penalty: -3 }, ['frequency_penalty']],
    ['top_logprobs is above 20', { ...minimal, top_logprobs: 21 }, ['top_logprobs']],
    ['n is zero', { ...minimal, n: 0 }, ['n']],
    ['max_tokens is fractional', { ...minimal, max_tokens: 1.5 }, ['max_tokens']],
    ['stream is a string', { ...minimal, stream: 'yes' }, ['stream']],
    ['a logit bias is out of range', { ...minimal, logit_bias: { '50256': 200 } }, ['logit_bias.50256']],
    [
      'a tool has no function name',
      { ...minimal, tools: [{ type: 'function', function: { description: 'No name.' } }] },
      ['tools.0.function.name'],
    ],
    ['a tool has an unknown type', { ...minimal, tools: [{ type: 'retrieval' }] }, ['tools.0.type']],
    [
      'a tool message has no tool_call_id',
      { ...minimal, messages: [...minimal.messages, { role: 'tool', content: '42' }] },
      ['messages.1.tool_call_id'],
    ],
    [
      'an assistant tool call has no arguments',
      {
        ...minimal,
        messages: [{ role: 'assistant', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f' } }] }],
      },
      ['messages.0.tool_calls.0.function.arguments'],
    ],
    [
      'a json_schema response format has a non-object schema',
      { ...minimal, response_format: { type: 'json_schema', json_schema: { name: 'x', schema: 'object' } } },
      ['response_format.json_schema.schema'],
    ],
    ['a response format type is unknown', { ...minimal, response_format: { type: 'xml' } }, ['response_format.type']],
  ])('rejects a request where %s', (_case, input, paths) => {
    expect(problemPaths(chatCompletionRequestSchema, input)).toEqual(paths);
  });

  it('says which part of a union field is wrong', () => {
    const badDetail = {
      ...minimal,
      messages: [
        { role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://x/y.png', detail: 'max' } }] },
      ],
    };
    expect(problems(chatCompletionRequestSchema, badDetail)).toEqual([
      'messages.0.content: 0.image_url.detail: Invalid option: expected one of "auto"|"low"|"high"',
    ]);
    expect(problems(chatCompletionRequestSchema, { ...minimal, tool_choice: 'sometimes' })).toEqual([
      "tool_choice: Expected 'none', 'auto', 'required' or an object naming a tool.",
    ]);
    expect(problems(chatCompletionRequestSchema, { ...minimal, stop: 42 })).toEqual([
      'stop: Expected a string or an array of strings.',
    ]);
  });
});

describe('chatCompletionMessageSchema', () => {
  it('accepts every message role of the openai package, including the deprecated function role', () => {
    const messages: OpenAI.ChatCompletionMessageParam[] = [
      { role: 'developer', content: [{ type: 'text', text: 'Be brief.' }] },
      { role: 'user', content: 'What is 6 × 7?' },
      { role: 'assistant', content: 'Calling the calculator.', function_call: { name: 'calc', arguments: '{"a":6}' } },
      { role: 'function', name: 'calc', content: '42' },
    ];
    for (const message of messages) {
      const parsed: ChatCompletionMessageParam = chatCompletionMessageSchema.parse(message);
      expect(parsed).toEqual(message);
    }
  });

  it('rejects a user message without content', () => {
    expect(problemPaths(chatCompletionMessageSchema, { role: 'user' })).toEqual(['content']);
  });
});

describe('chatCompletionSchema', () => {
  it('parses an OpenAI completion with parallel tool calls and logprobs unchanged', () => {
    const completion = chatCompletionSchema.parse(toolCallsCompletion);
    expect(completion).toEqual(toolCallsCompletion);
    const calls = completion.choices[0].message.tool_calls ?? [];
    expect(calls.map((call) => (call.type === 'function' ? JSON.parse(call.function.arguments) : undefined))).toEqual([
      { location: 'Paris, France', unit: 'celsius' },
      { location: 'Tokyo, Japan', unit: 'celsius' },
    ]);
    expect(completion.choices[0].logprobs?.content?.[0].top_logprobs?.[1]).toEqual({
      token: 'I',
      logprob: -13.125003,
      bytes: [73],
    });
  });

  it('keeps the reasoning text and the extra fields of a vLLM completion', () => {
    const completion = chatCompletionSchema.parse(reasoningCompletion);
    expect(completion).toEqual(reasoningCompletion);
    expect(completion.choices[0].message.reasoning_content).toContain('Paris');
    expect(completion.choices[0].stop_reason).toBeNull();
    expect(completion.usage?.prompt_tokens_details).toBeNull();
  });

  it('fills in what sparse backends leave out', () => {
    const sparse = {
      id: 'chatcmpl-612',
      created: 1747241500,
      model: 'llama3.2:3b',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', tool_calls: [{ id: 'call_k2', function: { name: 'f', arguments: '{}' } }] },
          finish_reason: 'tool_calls',
        },
      ],
    };
    const completion = chatCompletionSchema.parse(sparse);
    expect(completion.object).toBe('chat.completion');
    expect(completion.choices[0].message.tool_calls?.[0].type).toBe('function');
  });

  it('rejects a payload that is not a chat completion', () => {
    expect(problemPaths(chatCompletionSchema, { id: 'x', created: 1, model: 'm' })).toEqual(['choices']);
    expect(problemPaths(chatCompletionSchema, { ...toolCallsCompletion, object: 'text_completion' })).toEqual([
      'object',
    ]);
  });

  it('accepts what the openai package types describe (checked by tsc)', () => {
    const completion = toolCallsCompletion as OpenAI.ChatCompletion;
    const declared: DeclaredFields<ChatCompletion> = completion;
    expect(declared).toBe(completion);
  });
});

describe('chatCompletionChunkSchema', () => {
  it('parses a streamed tool call, then the usage chunk, unchanged', () => {
    const chunks = toolCallStream.map((event) => chatCompletionChunkSchema.parse(event));
    expect(chunks).toEqual(toolCallStream);
    const argumentsText = chunks
      .flatMap((chunk) => chunk.choices.flatMap((choice) => choice.delta.tool_calls ?? []))
      .map((call) => call.function?.arguments ?? '')
      .join('');
    expect(JSON.parse(argumentsText)).toEqual({ location: 'Paris, France' });
    const last = chunks[chunks.length - 1];
    expect(last.choices).toEqual([]);
    expect(last.usage?.total_tokens).toBe(87);
  });

  it('parses a vLLM reasoning delta', () => {
    const chunk = chatCompletionChunkSchema.parse({
      id: 'chatcmpl-4f1d',
      object: 'chat.completion.chunk',
      created: 1747241188,
      model: 'Qwen/Qwen3-8B',
      choices: [{ index: 0, delta: { reasoning_content: 'The user' }, logprobs: null, finish_reason: null }],
    });
    expect(chunk.choices[0].delta.reasoning_content).toBe('The user');
  });

  it('rejects a chunk whose choice has no delta', () => {
    const [first] = toolCallStream;
    const withoutDelta = { ...first, choices: [{ index: 0, finish_reason: null }] };
    expect(problemPaths(chatCompletionChunkSchema, withoutDelta)).toEqual(['choices.0.delta']);
  });

  it('accepts what the openai package types describe (checked by tsc)', () => {
    const chunk = toolCallStream[0] as OpenAI.ChatCompletionChunk;
    const declared: DeclaredFields<ChatCompletionChunk> = chunk;
    expect(declared).toBe(chunk);
  });
});
