import { z } from 'zod';
import {
  logitBiasSchema,
  penaltySchema,
  positiveIntSchema,
  stopSchema,
  streamOptionsSchema,
  temperatureSchema,
  tokenIdSchema,
  topPSchema,
  unionOf,
  usageSchema,
} from './shared.js';

// Conventions (loose objects, null as absent): see shared.ts.

/** `POST /v1/completions` body (the legacy text completion API). Unknown fields pass through. */
export const completionRequestSchema = z
  .looseObject({
    model: z.string().min(1).describe('The identifier of a registered model.'),
    // Required, but `null` is allowed as OpenAI does: the model then starts a new document.
    prompt: unionOf(
      [z.string(), z.array(z.string()), z.array(tokenIdSchema), z.array(z.array(tokenIdSchema))],
      'Expected a string, an array of strings, an array of token ids or an array of token-id arrays.',
    )
      .nullable()
      .describe('The prompt(s): a string, strings, token ids, or arrays of token ids.'),
    best_of: positiveIntSchema.nullish(),
    echo: z.boolean().nullish(),
    frequency_penalty: penaltySchema.nullish(),
    logit_bias: logitBiasSchema.nullish(),
    // OpenAI takes the number of top tokens (0–5); the reference spec says boolean. Both work.
    logprobs: unionOf([z.boolean(), z.int().min(0).max(5)], 'Expected a boolean or an integer from 0 to 5.').nullish(),
    max_tokens: positiveIntSchema.nullish(),
    n: positiveIntSchema.nullish(),
    presence_penalty: penaltySchema.nullish(),
    seed: z.int().nullish(),
    stop: stopSchema.nullish(),
    stream: z.boolean().nullish(),
    stream_options: streamOptionsSchema.nullish(),
    suffix: z.string().nullish(),
    temperature: temperatureSchema.nullish(),
    top_p: topPSchema.nullish(),
    user: z.string().nullish(),
  })
  .meta({
    title: 'OpenAICompletionRequestWithExtraBody',
    description: 'Request parameters for the OpenAI-compatible completion endpoint.',
  });

export type CompletionRequest = z.output<typeof completionRequestSchema>;

/**
 * OpenAI and vLLM send the legacy per-token arrays; the reference spec declares chat-style
 * `content`/`refusal` lists instead. Both shapes are accepted.
 */
const completionLogprobsSchema = z.looseObject({
  tokens: z.array(z.string()).nullish(),
  /** The first entry is null when the prompt is echoed. */
  token_logprobs: z.array(z.number().nullable()).nullish(),
  top_logprobs: z.array(z.record(z.string(), z.number()).nullable()).nullish(),
  text_offset: z.array(z.number()).nullish(),
  content: z.array(z.looseObject({ token: z.string(), logprob: z.number() })).nullish(),
  refusal: z.array(z.looseObject({ token: z.string(), logprob: z.number() })).nullish(),
});

/**
 * A completion, or one server-sent event of a streamed completion: both have this shape (in a
 * stream, `finish_reason` is null until the last event of a choice).
 */
export const completionSchema = z
  .looseObject({
    id: z.string(),
    object: z.literal('text_completion').default('text_completion'),
    created: z.number(),
    model: z.string(),
    choices: z.array(
      z.looseObject({
        index: z.number(),
        text: z.string(),
        finish_reason: z.string().nullish(),
        logprobs: completionLogprobsSchema.nullish(),
      }),
    ),
    usage: usageSchema.nullish(),
    system_fingerprint: z.string().nullish(),
  })
  .meta({ title: 'OpenAICompletion', description: 'Response from an OpenAI-compatible completion request.' });

export type Completion = z.output<typeof completionSchema>;
