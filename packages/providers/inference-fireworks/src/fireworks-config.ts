import { z } from 'zod';
import { configBoolean, configString, configStringWithDefault } from '@stack/openai-compatible';

/**
 * The `config:` block of a `remote::fireworks` provider, keys as in the reference run config.
 * Values may arrive as strings after `${env.X:=…}` substitution; unknown keys are ignored.
 */
export const fireworksConfigSchema = z.object({
  /** Fireworks' OpenAI base URL. */
  url: configStringWithDefault('https://api.fireworks.ai/inference/v1'),
  /** May be left empty when every caller sends `fireworks_api_key` in provider data. */
  api_key: configString(),
  /** Ask the stack to re-list the account's models periodically. */
  refresh_models: configBoolean(false),
});

export type FireworksConfig = z.output<typeof fireworksConfigSchema>;

/** Per-request credentials a caller may send in `X-LlamaStack-Provider-Data`. */
export const fireworksProviderDataSchema = z.looseObject({
  fireworks_api_key: z.string().nullish(),
});
