import { z } from 'zod';
import { configBoolean, configString } from '@stack/openai-compatible';

/**
 * The `config:` block of a `remote::databricks` provider, keys as in the reference run config.
 * Values may arrive as strings after `${env.X:=…}` substitution; unknown keys are ignored.
 */
export const databricksConfigSchema = z.object({
  /** The workspace URL, e.g. `https://dbc-1234abcd-5678.cloud.databricks.com`. Checked when the provider is created. */
  url: configString(),
  /** A personal access token (or OAuth token); may be left empty when callers send `databricks_api_token`. */
  api_token: configString(),
  /** Ask the stack to re-list the serving endpoints periodically. */
  refresh_models: configBoolean(false),
});

export type DatabricksConfig = z.output<typeof databricksConfigSchema>;

/** Per-request credentials a caller may send in `X-LlamaStack-Provider-Data`. */
export const databricksProviderDataSchema = z.looseObject({
  databricks_api_token: z.string().nullish(),
});
