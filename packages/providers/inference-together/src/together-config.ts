import { z } from 'zod';
import { configBoolean, configString, configStringWithDefault } from '@stack/openai-compatible';

/**
 * The `config:` block of a `remote::together` provider, keys as in the reference run config.
 * Values may arrive as strings after `${env.X:=…}` substitution; unknown keys are ignored.
 */
export const togetherConfigSchema = z.object({
  /** Together's OpenAI base URL. */
  url: configStringWithDefault('https://api.together.xyz/v1'),
  /** May be left empty when every caller sends `together_api_key` in provider data. */
  api_key: configString(),
  /** Ask the stack to re-list the account's models periodically. */
  refresh_models: configBoolean(false),
});

export type TogetherConfig = z.output<typeof togetherConfigSchema>;

/** Per-request credentials a caller may send in `X-LlamaStack-Provider-Data`. */
export const togetherProviderDataSchema = z.looseObject({
  together_api_key: z.string().nullish(),
});
