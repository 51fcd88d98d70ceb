import { z } from 'zod';
import { configBoolean, configString, configStringWithDefault } from '@stack/openai-compatible';

/**
 * The `config:` block of a `remote::groq` provider, keys as in the reference run config.
 * Values may arrive as strings after `${env.X:=…}` substitution; unknown keys are ignored.
 */
export const groqConfigSchema = z.object({
  /** Groq's origin; the OpenAI API lives under `/openai/v1` below it. */
  url: configStringWithDefault('https://api.groq.com'),
  /** May be left empty when every caller sends `groq_api_key` in provider data. */
  api_key: configString(),
  /** Ask the stack to re-list the account's models periodically. */
  refresh_models: configBoolean(false),
});

export type GroqConfig = z.output<typeof groqConfigSchema>;

/** Per-request credentials a caller may send in `X-LlamaStack-Provider-Data`. */
export const groqProviderDataSchema = z.looseObject({
  groq_api_key: z.string().nullish(),
});
