import { z } from 'zod';
import { configBoolean, configString, configStringWithDefault } from '@stack/openai-compatible';

/**
 * The `config:` block of a `remote::azure` provider, keys as in the reference run config.
 * Values may arrive as strings after `${env.X:=…}` substitution; unknown keys are ignored.
 */
export const azureConfigSchema = z
  .object({
    /** May be left empty when every caller sends `azure_api_key` in provider data. */
    api_key: configString(),
    /** The resource's endpoint, e.g. `https://my-resource.openai.azure.com`. Checked at create. */
    api_base: configString(),
    /** Later reference releases name it `base_url` (with `/openai/v1`); either is accepted. */
    base_url: configString(),
    /**
     * Unset, `v1`, `latest` or `preview`: the v1 API (`/openai/v1/...`). A dated version such as
     * `2024-10-21`: the deployment API (`/openai/deployments/{model}/...?api-version=…`).
     */
    api_version: configString(),
    /** `azure` (the reference default); kept for run configs that set it. */
    api_type: configStringWithDefault('azure'),
    /** Ask the stack to re-list the resource's models periodically. */
    refresh_models: configBoolean(false),
  })
  .transform(({ base_url: baseURL, ...config }) => ({ ...config, api_base: config.api_base ?? baseURL }));

export type AzureConfig = z.output<typeof azureConfigSchema>;

/**
 * Per-request values a caller may send in `X-LlamaStack-Provider-Data`; the reference validates
 * all four, and the key replaces the configured one.
 */
export const azureProviderDataSchema = z.looseObject({
  azure_api_key: z.string().nullish(),
  azure_api_base: z.string().nullish(),
  azure_api_version: z.string().nullish(),
  azure_api_type: z.string().nullish(),
});
