import { z } from 'zod';
import { configBoolean, configString, configStringWithDefault } from '@stack/openai-compatible';

/**
 * The `config:` block of a `remote::sambanova` provider, keys as in the reference run config.
 * Values may arrive as strings after `${env.X:=…}` substitution; unknown keys are ignored.
 */
export const sambanovaConfigSchema = z.object({
  /** SambaNova Cloud's OpenAI base URL. */
  url: configStringWithDefault('https://api.sambanova.ai/v1'),
  /** May be left empty when every caller sends `sambanova_api_key` in provider data. */
  api_key: configString(),
  /** Ask the stack to re-list the account's models periodically. */
  refresh_models: configBoolean(false),
});

export type SambaNovaConfig = z.output<typeof sambanovaConfigSchema>;

/** Per-request credentials a caller may send in `X-LlamaStack-Provider-Data`. */
export const sambanovaProviderDataSchema = z.looseObject({
  sambanova_api_key: z.string().nullish(),
});
