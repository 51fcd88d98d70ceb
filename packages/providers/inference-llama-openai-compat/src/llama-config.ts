import { z } from 'zod';
import { configBoolean, configString } from '@stack/openai-compatible';

export const llamaAPIDefaultBaseURL = 'https://api.llama.com/compat/v1/';

/**
 * The `config:` block of a `remote::llama-openai-compat` provider, keys as in the reference run
 * config. Values may arrive as strings after `${env.X:=…}` substitution; unknown keys are ignored.
 */
export const llamaConfigSchema = z
  .object({
    /** Llama API's OpenAI-compatible base. */
    openai_compat_api_base: configString(),
    /** Later reference releases name the same setting `base_url`; either is accepted. */
    base_url: configString(),
    /** May be left empty when every caller sends `llama_api_key` in provider data. */
    api_key: configString(),
    /** Ask the stack to re-list the account's models periodically. */
    refresh_models: configBoolean(false),
  })
  .transform(({ base_url: baseURL, openai_compat_api_base: apiBase, ...config }) => ({
    ...config,
    openai_compat_api_base: apiBase ?? baseURL ?? llamaAPIDefaultBaseURL,
  }));

export type LlamaConfig = z.output<typeof llamaConfigSchema>;

/** Per-request credentials a caller may send in `X-LlamaStack-Provider-Data`. */
export const llamaProviderDataSchema = z.looseObject({
  llama_api_key: z.string().nullish(),
});

