import { z } from 'zod';

const unset = (value: unknown) => value === null || value === undefined || (typeof value === 'string' && value.trim() === '');

/**
 * The `config:` block of an `inline::local-embeddings` provider. The reference starter config
 * gives it none, so every key is optional; values may arrive as strings after `${env.X:=…}`
 * substitution, and unknown keys are ignored.
 */
export const localEmbeddingsConfigSchema = z.looseObject({
  /** How many texts go through the model in one forward pass; larger batches trade memory for speed. */
  batch_size: z.preprocess(
    (value) => (unset(value) ? 32 : typeof value === 'string' ? Number(value.trim()) : value),
    z.number().int().positive(),
  ),
});

export type LocalEmbeddingsConfig = z.output<typeof localEmbeddingsConfigSchema>;
