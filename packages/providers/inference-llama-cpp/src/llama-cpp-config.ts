import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';

/*
 * Config values may arrive as strings after `${env.X:=…}` substitution: `"4096"` is a number,
 * `""` and `null` mean "not set". Unknown keys are tolerated.
 */

const unset = (value: unknown) => value === null || value === undefined || (typeof value === 'string' && value.trim() === '');

function optionalPositiveInteger() {
  return z.preprocess(
    (value) => (unset(value) ? undefined : typeof value === 'string' ? Number(value.trim()) : value),
    z.number().int().positive().optional(),
  );
}

/** `~` and `~/…` name the home directory of the user running the server. */
export function expandHome(path: string): string {
  if (path === '~') return homedir();
  if (path.startsWith('~/')) return join(homedir(), path.slice(2));
  return path;
}

/** How many layers llama.cpp offloads to a GPU: a count, `auto` (what fits) or `max` (all). */
const gpuLayersSchema = z.preprocess(
  (value) => {
    if (unset(value)) return 'auto';
    if (typeof value !== 'string') return value;
    const trimmed = value.trim().toLowerCase();
    return trimmed === 'auto' || trimmed === 'max' ? trimmed : Number(trimmed);
  },
  z.union([z.number().int().nonnegative(), z.enum(['auto', 'max'])]),
);

export const llamaCppModelConfigSchema = z.looseObject({
  /** The id the model is listed and requested under. */
  model_id: z.preprocess((value) => (typeof value === 'number' ? String(value) : value), z.string().trim().min(1)),
  /** A GGUF file on this machine; `~` is expanded. */
  path: z.string().trim().min(1).transform(expandHome),
  model_type: z.preprocess((value) => (unset(value) ? 'llm' : value), z.enum(['llm', 'embedding'])),
  /** Context window in tokens; defaults to `context_size`, then to the model's own, capped at 4096. */
  context_length: optionalPositiveInteger(),
  gpu_layers: gpuLayersSchema,
});

/** The `config:` block of an `inline::llama-cpp` provider. */
export const llamaCppConfigSchema = z
  .looseObject({
    models: z.preprocess((value) => (unset(value) ? [] : value), z.array(llamaCppModelConfigSchema)),
    /**
     * CPU threads per context. One is the default: on small machines llama.cpp with every core
     * busy-waits against the rest of the server and gets far slower, not faster.
     */
    threads: z.preprocess(
      (value) => (unset(value) ? 1 : typeof value === 'string' ? Number(value.trim()) : value),
      z.number().int().positive(),
    ),
    /** Default context window for models without `context_length`. */
    context_size: optionalPositiveInteger(),
  })
  .superRefine((config, context) => {
    const seen = new Set<string>();
    for (const [index, model] of config.models.entries()) {
      if (seen.has(model.model_id)) {
        context.addIssue({ code: 'custom', path: ['models', index, 'model_id'], message: `Duplicate model_id '${model.model_id}'.` });
      }
      seen.add(model.model_id);
    }
  });

export type LlamaCppConfig = z.output<typeof llamaCppConfigSchema>;
export type LlamaCppModelConfig = z.output<typeof llamaCppModelConfigSchema>;

/** Without a configured size, a context never exceeds this many tokens: a 128k window costs gigabytes. */
export const defaultContextCap = 4096;
