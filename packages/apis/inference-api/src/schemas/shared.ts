import { z } from 'zod';

/*
 * Building blocks shared by the chat completion, completion and embeddings schemas. Internal to
 * the package; `./index.ts` lists the public names.
 *
 * Conventions every schema here follows:
 * - Objects are loose (`z.looseObject`): unknown keys pass through untouched, at the top level
 *   (vendor extensions such as vLLM's `guided_json`, the reference's "WithExtraBody") and inside
 *   nested objects (new OpenAI fields such as `prompt_cache_breakpoint`, vendor ones such as
 *   `cache_control`), so a provider receives what the client sent.
 * - Optional request fields accept `null` as "absent": the OpenAI API accepts it for most of them,
 *   the reference server and the `llama-stack-client` types for all of them. Embeddings requests
 *   are the exception (see embeddings.ts).
 * - Values whose set grows with models (reasoning effort, service tier, voices, audio formats)
 *   are plain strings; the backend is the one to reject a value it does not know.
 * - Top-level schemas carry the reference spec's component name as `title`, so the generated
 *   OpenAPI document names them as the reference does.
 */

/**
 * `z.union` with an error worth reading. When no option matches, zod reports a bare "Invalid
 * input" at the union's path. When exactly one option got further into the input than the others
 * (an array of content parts with one bad part), its first problem is the useful one, so the
 * message names it with its path inside the union; otherwise the message says what was expected.
 */
export function unionOf<const Options extends readonly z.ZodType[]>(options: Options, expected: string) {
  return z.union(options, {
    error: (issue) => {
      if (issue.code !== 'invalid_union') return undefined;
      const firsts = issue.errors.flatMap((branch) => branch.slice(0, 1));
      const depth = Math.max(0, ...firsts.map((first) => first.path.length));
      const deepest = firsts.filter((first) => first.path.length === depth);
      return depth > 0 && deepest.length === 1 ? `${deepest[0].path.join('.')}: ${deepest[0].message}` : expected;
    },
  });
}

/** A JSON object whose keys we do not interpret (JSON Schema documents, metadata blobs). */
export const jsonObjectSchema = z.record(z.string(), z.unknown());

export const tokenIdSchema = z.int().nonnegative();

/** Sampling temperature; OpenAI documents 0–2. */
export const temperatureSchema = z.number().min(0).max(2);

export const topPSchema = z.number().min(0).max(1);

/** `frequency_penalty` and `presence_penalty`; OpenAI documents -2–2. */
export const penaltySchema = z.number().min(-2).max(2);

/** Token id (as a string key, JSON has no integer keys) → bias from -100 to 100. */
export const logitBiasSchema = z.record(z.string(), z.number().min(-100).max(100));

export const positiveIntSchema = z.int().positive();

/** Stop sequences. OpenAI caps them at 4, other backends allow more, so no cap here. */
export const stopSchema = unionOf([z.string(), z.array(z.string())], 'Expected a string or an array of strings.');

export const streamOptionsSchema = z.looseObject({
  include_usage: z.boolean().nullish(),
  include_obfuscation: z.boolean().nullish(),
});

/**
 * Token counts as OpenAI reports them. Lenient: backends omit the detail objects, send them as
 * `null`, or add their own counters.
 */
export const usageSchema = z.looseObject({
  prompt_tokens: z.number(),
  completion_tokens: z.number(),
  total_tokens: z.number(),
  prompt_tokens_details: z
    .looseObject({
      cached_tokens: z.number().nullish(),
      audio_tokens: z.number().nullish(),
    })
    .nullish(),
  completion_tokens_details: z
    .looseObject({
      reasoning_tokens: z.number().nullish(),
      audio_tokens: z.number().nullish(),
      accepted_prediction_tokens: z.number().nullish(),
      rejected_prediction_tokens: z.number().nullish(),
    })
    .nullish(),
});
