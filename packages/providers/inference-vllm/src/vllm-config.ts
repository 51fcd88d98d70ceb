import { z } from 'zod';
import { configBoolean, configInteger, configString, configTlsVerify } from '@stack/openai-compatible';

/**
 * The `config:` block of a `remote::vllm` provider, keys as in the reference run config.
 * Values may arrive as strings after `${env.X:=…}` substitution; unknown keys are ignored.
 */
export const vllmConfigSchema = z.object({
  /** vLLM's OpenAI base URL, e.g. `http://gpu-host:8000/v1`. Checked when the provider is created. */
  url: configString(),
  /** `max_tokens` for requests that set no limit (vLLM's own default for completions is 16). */
  max_tokens: configInteger(4096),
  /** Sent as `Authorization: Bearer …` (vLLM's `--api-key`). */
  api_token: configString().default('fake'),
  /** `true`, `false`, or the path of a CA bundle to trust. */
  tls_verify: configTlsVerify(),
  /** Ask the stack to re-list the server's models periodically. */
  refresh_models: configBoolean(false),
});

export type VLLMConfig = z.output<typeof vllmConfigSchema>;

/** Per-request credentials a caller may send in `X-LlamaStack-Provider-Data`. */
export const vllmProviderDataSchema = z.looseObject({
  vllm_api_token: z.string().nullish(),
});
