import { z } from 'zod';
import { configBoolean, configString } from '@stack/openai-compatible';

/**
 * The `config:` block of a `remote::passthrough` provider, keys as in the reference run config.
 * Values may arrive as strings after `${env.X:=…}` substitution; unknown keys are ignored.
 */
export const passthroughConfigSchema = z.object({
  /** The other Llama Stack server's root, e.g. `http://stack-b:8321`. Unset: each request names it. */
  url: configString(),
  /** Sent as `Authorization: Bearer …`. Unset: each request may bring one. */
  api_key: configString(),
  /** Ask the stack to re-list the other server's models periodically (they change as it registers models). */
  refresh_models: configBoolean(false),
});

export type PassthroughConfig = z.output<typeof passthroughConfigSchema>;

/**
 * Per-request values a caller may send in `X-LlamaStack-Provider-Data`, used when the config
 * leaves `url` or `api_key` unset (the configured values win, as in the reference).
 */
export const passthroughProviderDataSchema = z.looseObject({
  passthrough_url: z.string().nullish(),
  passthrough_api_key: z.string().nullish(),
});
