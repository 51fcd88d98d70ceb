import { z } from 'zod';
import { configBoolean, configString } from '@stack/openai-compatible';

/**
 * The `config:` block of a `remote::runpod` provider, keys as in the reference run config.
 * Values may arrive as strings after `${env.X:=…}` substitution; unknown keys are ignored.
 */
export const runpodConfigSchema = z
  .object({
    /** The endpoint's OpenAI base, `https://api.runpod.ai/v2/<endpoint-id>/openai/v1`. Checked at create. */
    url: configString(),
    /** Later reference releases name the same setting `base_url`; either is accepted. */
    base_url: configString(),
    /** A RunPod API key, sent as `Authorization: Bearer …`. */
    api_token: configString(),
    /** Ask the stack to re-list the endpoint's models periodically. */
    refresh_models: configBoolean(false),
  })
  .transform(({ base_url: baseURL, ...config }) => ({ ...config, url: config.url ?? baseURL }));

export type RunpodConfig = z.output<typeof runpodConfigSchema>;

/** Per-request credentials a caller may send in `X-LlamaStack-Provider-Data`. */
export const runpodProviderDataSchema = z.looseObject({
  runpod_api_token: z.string().nullish(),
});
