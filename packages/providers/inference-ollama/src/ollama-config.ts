import { z } from 'zod';
import { configBoolean, configStringWithDefault } from '@stack/openai-compatible';

/**
 * The `config:` block of a `remote::ollama` provider, keys as in the reference run config.
 * Values may arrive as strings after `${env.X:=…}` substitution; unknown keys are ignored.
 */
export const ollamaConfigSchema = z.object({
  /** Ollama's address, e.g. `http://localhost:11434`; OpenAI-compatible calls go to `{url}/v1`. */
  url: configStringWithDefault('http://localhost:11434'),
  /** Ask the stack to re-list the server's models periodically. */
  refresh_models: configBoolean(false),
});

export type OllamaConfig = z.output<typeof ollamaConfigSchema>;
