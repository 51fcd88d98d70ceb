import { z } from 'zod';
import { positiveIntSchema, tokenIdSchema, unionOf } from './shared.js';

/**
 * `POST /v1/embeddings` body. Unknown fields pass through. Unlike the other requests,
 * `encoding_format`, `dimensions` and `user` refuse `null`, as OpenAI and the reference do.
 */
export const embeddingsRequestSchema = z
  .looseObject({
    model: z.string().min(1).describe('The identifier of a registered embedding model.'),
    input: unionOf(
      [
        z.string(),
        z.array(z.string()).min(1),
        z.array(tokenIdSchema).min(1),
        z.array(z.array(tokenIdSchema).min(1)).min(1),
      ],
      'Expected a string or a non-empty array of strings, token ids or token-id arrays.',
    ).describe('Text to embed: a string, strings, token ids, or arrays of token ids.'),
    encoding_format: z.enum(['float', 'base64']).optional(),
    dimensions: positiveIntSchema.optional(),
    user: z.string().optional(),
  })
  .meta({
    title: 'OpenAIEmbeddingsRequestWithExtraBody',
    description: 'Request parameters for the OpenAI-compatible embeddings endpoint.',
  });

export type EmbeddingsRequest = z.output<typeof embeddingsRequestSchema>;

/** Lenient: backends add fields (`id`, `created`) and some leave `usage` out. */
export const embeddingsResponseSchema = z
  .looseObject({
    object: z.literal('list').default('list'),
    data: z.array(
      z.looseObject({
        object: z.literal('embedding').default('embedding'),
        /** Floats, or a base64 string of little-endian float32 when `encoding_format: 'base64'`. */
        embedding: z.union([z.array(z.number()), z.string()]),
        index: z.number(),
      }),
    ),
    model: z.string(),
    usage: z
      .looseObject({
        prompt_tokens: z.number(),
        total_tokens: z.number(),
      })
      .nullish(),
  })
  .meta({ title: 'OpenAIEmbeddingsResponse', description: 'Response from an OpenAI-compatible embeddings request.' });

export type EmbeddingsResponse = z.output<typeof embeddingsResponseSchema>;
