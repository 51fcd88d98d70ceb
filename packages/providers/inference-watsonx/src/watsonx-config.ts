import { z } from 'zod';
import { configBoolean, configInteger, configString } from '@stack/openai-compatible';

const defaultBaseURL = 'https://us-south.ml.cloud.ibm.com';

const unset = (value: unknown) => value === null || value === undefined || (typeof value === 'string' && value.trim() === '');

/**
 * The `config:` block of a `remote::watsonx` provider, keys as in the reference config class.
 * Values may arrive as strings after `${env.X:=…}` substitution; unknown keys are ignored.
 */
export const watsonxConfigSchema = z.preprocess(
  (value) => {
    // Older run configs name the endpoint `url`; the reference now calls it `base_url`.
    if (typeof value !== 'object' || value === null) return value;
    const record = value as Record<string, unknown>;
    return unset(record.base_url) && !unset(record.url) ? { ...record, base_url: record.url } : record;
  },
  z.object({
    /** The watsonx.ai regional endpoint; unset, `WATSONX_BASE_URL` or Dallas, as in the reference. */
    base_url: z.preprocess((value) => (unset(value) ? process.env.WATSONX_BASE_URL || defaultBaseURL : value), z.string().url()),
    /** An IBM Cloud API key; may be left empty when every caller sends `watsonx_api_key`. */
    api_key: configString(),
    /** The watsonx.ai project requests run in; a caller may name another in `watsonx_project_id`. */
    project_id: configString(),
    /** Seconds allowed for each request. */
    timeout: configInteger(60),
    /** Ask the stack to re-list models periodically. */
    refresh_models: configBoolean(false),
  }),
);

export type WatsonxConfig = z.output<typeof watsonxConfigSchema>;

/** Per-request credentials a caller may send in `X-LlamaStack-Provider-Data`. */
export const watsonxProviderDataSchema = z.looseObject({
  watsonx_api_key: z.string().nullish(),
  watsonx_project_id: z.string().nullish(),
});
