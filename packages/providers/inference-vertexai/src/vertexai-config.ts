import { z } from 'zod';
import { configBoolean, configString, configStringWithDefault } from '@stack/openai-compatible';

/**
 * The `config:` block of a `remote::vertexai` provider, keys as in the reference run config.
 * Values may arrive as strings after `${env.X:=…}` substitution; unknown keys are ignored.
 */
export const vertexAIConfigSchema = z.object({
  /** The Google Cloud project; a caller may name another in `vertex_project`. */
  project: configString(),
  /** The Vertex AI region, or `global`. */
  location: configStringWithDefault('us-central1'),
  /**
   * A short-lived OAuth access token used instead of Application Default Credentials (the
   * reference's `access_token`, environment `VERTEX_AI_ACCESS_TOKEN`).
   */
  access_token: configString(),
  /** Ask the stack to re-list models periodically. */
  refresh_models: configBoolean(false),
});

export type VertexAIConfig = z.output<typeof vertexAIConfigSchema>;

/** Per-request overrides a caller may send in `X-LlamaStack-Provider-Data`. */
export const vertexAIProviderDataSchema = z.looseObject({
  vertex_project: z.string().nullish(),
  vertex_location: z.string().nullish(),
  vertex_access_token: z.string().nullish(),
});
