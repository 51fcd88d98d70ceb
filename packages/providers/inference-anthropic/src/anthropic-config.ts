import { z } from 'zod';
import { configBoolean, configString } from '@stack/openai-compatible';

/**
 * The `config:` block of a `remote::anthropic` provider, keys as in the reference run config.
 * Values may arrive as strings after `${env.X:=…}` substitution; unknown keys are ignored.
 */
export const anthropicConfigSchema = z.object({
  /** May be left empty when every caller sends `anthropic_api_key` in provider data. */
  api_key: configString(),
  /** Ask the stack to re-list the account's models periodically. */
  refresh_models: configBoolean(false),
});

export type AnthropicConfig = z.output<typeof anthropicConfigSchema>;

/** Per-request credentials a caller may send in `X-LlamaStack-Provider-Data`. */
export const anthropicProviderDataSchema = z.looseObject({
  anthropic_api_key: z.string().nullish(),
});
