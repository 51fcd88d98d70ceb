import { z } from 'zod';
import { configBoolean, configString, configStringWithDefault } from '@stack/openai-compatible';

/**
 * The `config:` block of a `remote::cerebras` provider, keys as in the reference run config.
 * Values may arrive as strings after `${env.X:=…}` substitution; unknown keys are ignored.
 */
export const cerebrasConfigSchema = z.object({
  /** Cerebras' origin; the OpenAI API is `/v1` below it. */
  base_url: configStringWithDefault('https://api.cerebras.ai'),
  /** May be left empty when every caller sends `cerebras_api_key` in provider data. */
  api_key: configString(),
  /** Ask the stack to re-list the account's models periodically. */
  refresh_models: configBoolean(false),
});

export type CerebrasConfig = z.output<typeof cerebrasConfigSchema>;

/** Per-request credentials a caller may send in `X-LlamaStack-Provider-Data`. */
export const cerebrasProviderDataSchema = z.looseObject({
  cerebras_api_key: z.string().nullish(),
});
