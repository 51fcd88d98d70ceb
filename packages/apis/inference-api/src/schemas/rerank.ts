import { z } from 'zod';
import { imageUrlPartSchema, textPartSchema } from './chat-completion.js';

/** A query or an item to rank: plain text, a text part, or an image part. */
const rerankInputSchema = z.union([z.string(), textPartSchema, imageUrlPartSchema]);
export type RerankInput = z.output<typeof rerankInputSchema>;

/** `POST /v1alpha/inference/rerank`, as the reference spec describes it. */
export const rerankRequestSchema = z.strictObject({
  model: z.string().min(1),
  query: rerankInputSchema,
  items: z.array(rerankInputSchema).min(1),
  max_num_results: z.number().int().positive().nullish(),
});
export type RerankRequest = z.output<typeof rerankRequestSchema>;

export const rerankDataSchema = z.object({
  /** Position of the item in the request's `items`. */
  index: z.number().int().nonnegative(),
  /** Higher is more relevant. */
  relevance_score: z.number(),
});

/** Items sorted by `relevance_score`, most relevant first. */
export const rerankResponseSchema = z.object({ data: z.array(rerankDataSchema) });
export type RerankResponse = z.output<typeof rerankResponseSchema>;
