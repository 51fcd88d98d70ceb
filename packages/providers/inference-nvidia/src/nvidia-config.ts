import { z } from 'zod';
import { configBoolean, configInteger, configString, configStringWithDefault } from '@stack/openai-compatible';

/** NVIDIA's hosted reranking endpoints, per model (the reference's defaults). */
export const defaultRerankModelURLs: Record<string, string> = {
  'nv-rerank-qa-mistral-4b:1': 'https://ai.api.nvidia.com/v1/retrieval/nvidia/reranking',
  'nvidia/nv-rerankqa-mistral-4b-v3': 'https://ai.api.nvidia.com/v1/retrieval/nvidia/nv-rerankqa-mistral-4b-v3/reranking',
  'nvidia/llama-3.2-nv-rerankqa-1b-v2': 'https://ai.api.nvidia.com/v1/retrieval/nvidia/llama-3_2-nv-rerankqa-1b-v2/reranking',
};

/**
 * The `config:` block of a `remote::nvidia` provider, keys as in the reference run config.
 * Values may arrive as strings after `${env.X:=…}` substitution; unknown keys are ignored.
 */
export const nvidiaConfigSchema = z.object({
  /** NVIDIA's hosted API, or the origin of a self-hosted NIM (e.g. `http://localhost:8000`). */
  url: configStringWithDefault('https://integrate.api.nvidia.com'),
  /** Required for the hosted API; a self-hosted NIM usually needs none. */
  api_key: configString(),
  /** Seconds allowed until the upstream's response headers arrive. */
  timeout: configInteger(60),
  /** Append `/v1` to `url` (turn off when `url` already names the OpenAI base). */
  append_api_version: configBoolean(true),
  /** Hosted reranking endpoints by model id; models listed here are offered as rerank models. */
  rerank_model_to_url: z.preprocess(
    (value) => (value === null || value === undefined || value === '' ? undefined : value),
    z.record(z.string(), z.string()).default(defaultRerankModelURLs),
  ),
  /** Ask the stack to re-list the models periodically. */
  refresh_models: configBoolean(false),
});

export type NVIDIAConfig = z.output<typeof nvidiaConfigSchema>;

/** Per-request credentials a caller may send in `X-LlamaStack-Provider-Data`. */
export const nvidiaProviderDataSchema = z.looseObject({
  nvidia_api_key: z.string().nullish(),
});
