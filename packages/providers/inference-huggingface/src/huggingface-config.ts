import { z } from 'zod';
import { configBoolean, configString } from '@stack/openai-compatible';

/**
 * The `config:` block of a `remote::hf::serverless` provider, keys as in the reference config
 * class. Values may arrive as strings after `${env.X:=…}` substitution; unknown keys are ignored.
 */
export const hfServerlessConfigSchema = z.object({
  /** The model's repository on the Hub, e.g. `meta-llama/Llama-3.1-8B-Instruct`. Checked at create. */
  huggingface_repo: configString(),
  /** A Hugging Face user access token with the "Inference Providers" permission. */
  api_token: configString(),
  refresh_models: configBoolean(false),
});

export type HFServerlessConfig = z.output<typeof hfServerlessConfigSchema>;

/** The `config:` block of a `remote::hf::endpoint` provider, keys as in the reference config class. */
export const hfEndpointConfigSchema = z.object({
  /** `namespace/endpoint-name`, or just the name for an endpoint of the token's own account. Checked at create. */
  endpoint_name: configString(),
  /** A Hugging Face user access token that may read and call the endpoint. */
  api_token: configString(),
  refresh_models: configBoolean(false),
});

export type HFEndpointConfig = z.output<typeof hfEndpointConfigSchema>;
