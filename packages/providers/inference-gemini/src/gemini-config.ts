import { z } from 'zod';
import { configBoolean, configString } from '@stack/openai-compatible';

/**
 * The `config:` block of a `remote::gemini` provider, keys as in the reference config class.
 * Values may arrive as strings after `${env.X:=…}` substitution; unknown keys are ignored.
 */
export const geminiConfigSchema = z
  .object({
    /** A Gemini API key; may be left empty when every caller sends `gemini_api_key`. */
    api_key: configString(),
    /** An OAuth2 access token (e.g. `gcloud auth application-default print-access-token`), instead of `api_key`. */
    access_token: configString(),
    /** The Google Cloud project billed for OAuth requests (sent as `x-goog-user-project`). */
    project: configString(),
    /** Ask the stack to re-list the account's models periodically. */
    refresh_models: configBoolean(false),
  })
  .superRefine((config, context) => {
    // The same rules as the reference: one credential, and a quota project exactly with a token.
    if (config.api_key && config.access_token) {
      context.addIssue({ code: 'custom', path: ['access_token'], message: 'api_key and access_token are mutually exclusive; set one of them.' });
    }
    if (config.access_token && !config.project) {
      context.addIssue({ code: 'custom', path: ['project'], message: 'project is required with access_token (Google needs a quota project for OAuth credentials).' });
    }
    if (config.project && !config.access_token) {
      context.addIssue({ code: 'custom', path: ['project'], message: 'project is only used with access_token; API keys carry their own project.' });
    }
  });

export type GeminiConfig = z.output<typeof geminiConfigSchema>;

/** Per-request credentials a caller may send in `X-LlamaStack-Provider-Data`. */
export const geminiProviderDataSchema = z.looseObject({
  gemini_api_key: z.string().nullish(),
});
