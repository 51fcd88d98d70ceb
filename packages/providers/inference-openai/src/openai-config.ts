import { z } from 'zod';
import { configBoolean, configString, configStringWithDefault } from '@stack/openai-compatible';

/**
 * The `config:` block of a `remote::openai` provider, keys as in the reference run config.
 * Values may arrive as strings after `${env.X:=…}` substitution; unknown keys are ignored.
 */
export const openaiConfigSchema = z.object({
  /** May be left empty when every caller sends `openai_api_key` in provider data. */
  api_key: configString(),
  base_url: configStringWithDefault('https://api.openai.com/v1'),
  /** Ask the stack to re-list the account's models periodically. */
  refresh_models: configBoolean(false),
});

export type OpenAIConfig = z.output<typeof openaiConfigSchema>;

/** Per-request credentials a caller may send in `X-LlamaStack-Provider-Data`. */
export const openaiProviderDataSchema = z.looseObject({
  openai_api_key: z.string().nullish(),
});
