import { z } from 'zod';
import { configBoolean, configString } from '@stack/openai-compatible';

/**
 * The `config:` block of a `remote::tgi` provider, keys as in the reference run config.
 * Values may arrive as strings after `${env.X:=…}` substitution; unknown keys are ignored.
 */
export const tgiConfigSchema = z.object({
  /** The TGI server's root, e.g. `http://gpu-host:8080` (a trailing `/v1` is tolerated). Checked at create. */
  url: configString(),
  /** Ask the stack to re-list the server's model periodically. */
  refresh_models: configBoolean(false),
});

export type TGIConfig = z.output<typeof tgiConfigSchema>;
