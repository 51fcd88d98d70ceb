import { z } from 'zod';
import {
  jsonObjectSchema,
  logitBiasSchema,
  penaltySchema,
  positiveIntSchema,
  stopSchema,
  streamOptionsSchema,
  temperatureSchema,
  topPSchema,
  unionOf,
  usageSchema,
} from './shared.js';

// Conventions (loose objects, null as absent, open strings for growing catalogues): see shared.ts.

// ---------------------------------------------------------------------------------------------
// Request: messages
// ---------------------------------------------------------------------------------------------

export const textPartSchema = z.looseObject({
  type: z.literal('text'),
  text: z.string(),
});

export const imageUrlPartSchema = z.looseObject({
  type: z.literal('image_url'),
  image_url: z.looseObject({
    /** An http(s) URL or a `data:` URI with the base64-encoded image. */
    url: z.string(),
    detail: z.enum(['auto', 'low', 'high']).nullish(),
  }),
});

const inputAudioPartSchema = z.looseObject({
  type: z.literal('input_audio'),
  input_audio: z.looseObject({
    /** Base64-encoded audio. */
    data: z.string(),
    format: z.string(),
  }),
});

const filePartSchema = z.looseObject({
  type: z.literal('file'),
  file: z.looseObject({
    file_data: z.string().nullish(),
    file_id: z.string().nullish(),
    filename: z.string().nullish(),
  }),
});

const refusalPartSchema = z.looseObject({
  type: z.literal('refusal'),
  refusal: z.string(),
});

/** System, developer and tool messages carry text only. */
const textContentSchema = unionOf(
  [z.string(), z.array(textPartSchema)],
  'Expected a string or an array of text parts.',
);

const userContentPartSchema = z.discriminatedUnion('type', [
  textPartSchema,
  imageUrlPartSchema,
  inputAudioPartSchema,
  filePartSchema,
]);

const assistantContentPartSchema = z.discriminatedUnion('type', [textPartSchema, refusalPartSchema]);

const functionCallSchema = z.looseObject({
  name: z.string(),
  /** JSON text as the model produced it; not necessarily valid JSON. */
  arguments: z.string(),
});

const messageToolCallSchema = z.discriminatedUnion('type', [
  z.looseObject({
    id: z.string(),
    type: z.literal('function'),
    function: functionCallSchema,
  }),
  z.looseObject({
    id: z.string(),
    type: z.literal('custom'),
    custom: z.looseObject({ name: z.string(), input: z.string() }),
  }),
]);

const participantNameSchema = z.string().nullish();

const systemMessageSchema = z.looseObject({
  role: z.literal('system'),
  content: textContentSchema,
  name: participantNameSchema,
});

const developerMessageSchema = z.looseObject({
  role: z.literal('developer'),
  content: textContentSchema,
  name: participantNameSchema,
});

const userMessageSchema = z.looseObject({
  role: z.literal('user'),
  content: unionOf(
    [z.string(), z.array(userContentPartSchema)],
    'Expected a string or an array of content parts (text, image_url, input_audio, file).',
  ),
  name: participantNameSchema,
});

const assistantMessageSchema = z.looseObject({
  role: z.literal('assistant'),
  /** Absent or null when the turn only called tools. */
  content: unionOf(
    [z.string(), z.array(assistantContentPartSchema)],
    'Expected a string or an array of text and refusal parts.',
  ).nullish(),
  name: participantNameSchema,
  refusal: z.string().nullish(),
  tool_calls: z.array(messageToolCallSchema).nullish(),
  /** A previous audio answer, referred to by id. */
  audio: z.looseObject({ id: z.string() }).nullish(),
  /** Deprecated by OpenAI in favour of `tool_calls`. */
  function_call: functionCallSchema.nullish(),
});

const toolMessageSchema = z.looseObject({
  role: z.literal('tool'),
  content: textContentSchema,
  tool_call_id: z.string(),
});

/** Deprecated by OpenAI in favour of `tool` messages; still accepted by its API. */
const functionMessageSchema = z.looseObject({
  role: z.literal('function'),
  name: z.string(),
  content: z.string().nullable(),
});

/** One message of a chat completion request, told apart by `role`. */
export const chatCompletionMessageSchema = z
  .discriminatedUnion('role', [
    systemMessageSchema,
    developerMessageSchema,
    userMessageSchema,
    assistantMessageSchema,
    toolMessageSchema,
    functionMessageSchema,
  ])
  .meta({ title: 'OpenAIMessageParam', description: 'A message of an OpenAI-compatible chat completion request.' });

export type ChatCompletionMessageParam = z.output<typeof chatCompletionMessageSchema>;

// ---------------------------------------------------------------------------------------------
// Request: tools, tool choice, response format and other options
// ---------------------------------------------------------------------------------------------

const functionDefinitionSchema = z.looseObject({
  name: z.string().min(1),
  description: z.string().nullish(),
  /** A JSON Schema object; absent means the function takes no arguments. */
  parameters: jsonObjectSchema.nullish(),
  strict: z.boolean().nullish(),
});

const toolSchema = z.discriminatedUnion('type', [
  z.looseObject({
    type: z.literal('function'),
    function: functionDefinitionSchema,
  }),
  z.looseObject({
    type: z.literal('custom'),
    custom: z.looseObject({
      name: z.string().min(1),
      description: z.string().nullish(),
      format: z
        .discriminatedUnion('type', [
          z.looseObject({ type: z.literal('text') }),
          z.looseObject({
            type: z.literal('grammar'),
            grammar: z.looseObject({ definition: z.string(), syntax: z.string() }),
          }),
        ])
        .nullish(),
    }),
  }),
]);

const toolChoiceSchema = unionOf(
  [
    z.enum(['none', 'auto', 'required']),
    z.discriminatedUnion('type', [
      z.looseObject({
        type: z.literal('function'),
        function: z.looseObject({ name: z.string() }),
      }),
      z.looseObject({
        type: z.literal('custom'),
        custom: z.looseObject({ name: z.string() }),
      }),
      z.looseObject({
        type: z.literal('allowed_tools'),
        allowed_tools: z.looseObject({
          mode: z.enum(['auto', 'required']),
          tools: z.array(jsonObjectSchema),
        }),
      }),
    ]),
  ],
  "Expected 'none', 'auto', 'required' or an object naming a tool.",
);

const responseFormatSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('text') }),
  z.looseObject({ type: z.literal('json_object') }),
  z.looseObject({
    type: z.literal('json_schema'),
    json_schema: z.looseObject({
      // OpenAI requires a name; llama-stack-client lets it out, so it is optional here.
      name: z.string().nullish(),
      description: z.string().nullish(),
      schema: jsonObjectSchema.nullish(),
      strict: z.boolean().nullish(),
    }),
  }),
]);

const audioOutputSchema = z.looseObject({
  format: z.string(),
  /** A built-in voice name or a custom voice `{ id }`. */
  voice: unionOf([z.string(), z.looseObject({ id: z.string() })], 'Expected a voice name or { id }.'),
});

const webSearchOptionsSchema = z.looseObject({
  search_context_size: z.enum(['low', 'medium', 'high']).nullish(),
  user_location: z
    .looseObject({
      type: z.literal('approximate'),
      approximate: z.looseObject({
        city: z.string().nullish(),
        country: z.string().nullish(),
        region: z.string().nullish(),
        timezone: z.string().nullish(),
      }),
    })
    .nullish(),
});

/** `POST /v1/chat/completions` body. Unknown top-level fields (vendor extensions) pass through. */
export const chatCompletionRequestSchema = z
  .looseObject({
    model: z.string().min(1).describe('The identifier of a registered model.'),
    messages: z.array(chatCompletionMessageSchema).min(1).describe('List of messages in the conversation.'),
    audio: audioOutputSchema.nullish(),
    frequency_penalty: penaltySchema.nullish(),
    /** Deprecated by OpenAI in favour of `tool_choice`. */
    function_call: unionOf(
      [z.enum(['none', 'auto']), z.looseObject({ name: z.string() })],
      "Expected 'none', 'auto' or { name }.",
    ).nullish(),
    /** Deprecated by OpenAI in favour of `tools`. */
    functions: z.array(functionDefinitionSchema).nullish(),
    logit_bias: logitBiasSchema.nullish(),
    logprobs: z.boolean().nullish(),
    max_completion_tokens: positiveIntSchema.nullish(),
    max_tokens: positiveIntSchema.nullish(),
    metadata: z.record(z.string(), z.string()).nullish(),
    modalities: z.array(z.enum(['text', 'audio'])).nullish(),
    n: positiveIntSchema.nullish(),
    parallel_tool_calls: z.boolean().nullish(),
    prediction: z.looseObject({ type: z.literal('content'), content: textContentSchema }).nullish(),
    presence_penalty: penaltySchema.nullish(),
    prompt_cache_key: z.string().nullish(),
    reasoning_effort: z.string().nullish(),
    response_format: responseFormatSchema.nullish(),
    safety_identifier: z.string().nullish(),
    seed: z.int().nullish(),
    service_tier: z.string().nullish(),
    stop: stopSchema.nullish(),
    store: z.boolean().nullish(),
    stream: z.boolean().nullish(),
    stream_options: streamOptionsSchema.nullish(),
    temperature: temperatureSchema.nullish(),
    tool_choice: toolChoiceSchema.nullish(),
    tools: z.array(toolSchema).nullish(),
    top_logprobs: z.int().min(0).max(20).nullish(),
    top_p: topPSchema.nullish(),
    user: z.string().nullish(),
    verbosity: z.string().nullish(),
    web_search_options: webSearchOptionsSchema.nullish(),
  })
  .meta({
    title: 'OpenAIChatCompletionRequestWithExtraBody',
    description: 'Request parameters for the OpenAI-compatible chat completion endpoint.',
  });

export type ChatCompletionRequest = z.output<typeof chatCompletionRequestSchema>;

// ---------------------------------------------------------------------------------------------
// Responses: lenient, they describe what OpenAI-compatible backends actually send
// ---------------------------------------------------------------------------------------------

const topLogprobSchema = z.looseObject({
  token: z.string(),
  logprob: z.number(),
  bytes: z.array(z.number()).nullish(),
});

const tokenLogprobSchema = z.looseObject({
  token: z.string(),
  logprob: z.number(),
  bytes: z.array(z.number()).nullish(),
  top_logprobs: z.array(topLogprobSchema).nullish(),
});

const choiceLogprobsSchema = z.looseObject({
  content: z.array(tokenLogprobSchema).nullish(),
  refusal: z.array(tokenLogprobSchema).nullish(),
});

// A plain union rather than a discriminated one: some backends leave `type` out of function calls.
const responseToolCallSchema = z.union([
  z.looseObject({
    id: z.string(),
    type: z.literal('function').default('function'),
    function: functionCallSchema,
  }),
  z.looseObject({
    id: z.string(),
    type: z.literal('custom'),
    custom: z.looseObject({ name: z.string(), input: z.string() }),
  }),
]);

const responseMessageSchema = z.looseObject({
  role: z.literal('assistant'),
  content: z.string().nullish(),
  refusal: z.string().nullish(),
  tool_calls: z.array(responseToolCallSchema).nullish(),
  function_call: functionCallSchema.nullish(),
  audio: z
    .looseObject({
      id: z.string(),
      data: z.string().nullish(),
      expires_at: z.number().nullish(),
      transcript: z.string().nullish(),
    })
    .nullish(),
  annotations: z.array(z.looseObject({ type: z.string() })).nullish(),
  /** Not OpenAI: the reasoning text of vLLM, DeepSeek and similar backends. */
  reasoning_content: z.string().nullish(),
});

/** `stop`, `length`, `tool_calls`, `content_filter`… kept open: backends send their own values. */
const finishReasonSchema = z.string().nullish();

/** Answer of a chat completion request without `stream`. */
export const chatCompletionSchema = z
  .looseObject({
    id: z.string(),
    object: z.literal('chat.completion').default('chat.completion'),
    created: z.number(),
    model: z.string(),
    choices: z.array(
      z.looseObject({
        index: z.number(),
        message: responseMessageSchema,
        finish_reason: finishReasonSchema,
        logprobs: choiceLogprobsSchema.nullish(),
      }),
    ),
    usage: usageSchema.nullish(),
    system_fingerprint: z.string().nullish(),
    service_tier: z.string().nullish(),
  })
  .meta({ title: 'OpenAIChatCompletion', description: 'Response from an OpenAI-compatible chat completion request.' });

export type ChatCompletion = z.output<typeof chatCompletionSchema>;

const deltaSchema = z.looseObject({
  role: z.string().nullish(),
  content: z.string().nullish(),
  refusal: z.string().nullish(),
  tool_calls: z
    .array(
      z.looseObject({
        // Required by OpenAI; left out by some backends when there is a single call.
        index: z.number().nullish(),
        id: z.string().nullish(),
        type: z.literal('function').nullish(),
        function: z
          .looseObject({
            name: z.string().nullish(),
            /** A fragment; the fragments of one call concatenate to its arguments. */
            arguments: z.string().nullish(),
          })
          .nullish(),
      }),
    )
    .nullish(),
  function_call: z.looseObject({ name: z.string().nullish(), arguments: z.string().nullish() }).nullish(),
  /** Not OpenAI: reasoning text of vLLM, DeepSeek and similar backends (the reference declares it). */
  reasoning_content: z.string().nullish(),
});

/** One server-sent event of a streamed chat completion. */
export const chatCompletionChunkSchema = z
  .looseObject({
    id: z.string(),
    object: z.literal('chat.completion.chunk').default('chat.completion.chunk'),
    created: z.number(),
    model: z.string(),
    /** Empty in the final usage chunk (`stream_options.include_usage`). */
    choices: z.array(
      z.looseObject({
        index: z.number(),
        delta: deltaSchema,
        finish_reason: finishReasonSchema,
        logprobs: choiceLogprobsSchema.nullish(),
      }),
    ),
    usage: usageSchema.nullish(),
    system_fingerprint: z.string().nullish(),
    service_tier: z.string().nullish(),
  })
  .meta({
    title: 'OpenAIChatCompletionChunk',
    description: 'Chunk from a streaming response to an OpenAI-compatible chat completion request.',
  });

export type ChatCompletionChunk = z.output<typeof chatCompletionChunkSchema>;
