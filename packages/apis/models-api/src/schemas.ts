import { z } from 'zod';

export const modelTypeSchema = z.enum(['llm', 'embedding', 'rerank']);
export type ModelType = z.output<typeof modelTypeSchema>;

const metadataSchema = z.record(z.string(), z.unknown());

/** A registered model (`GET /v1/models/{model_id}`). */
export const modelSchema = z.object({
  identifier: z.string(),
  provider_resource_id: z.string(),
  provider_id: z.string(),
  type: z.literal('model'),
  metadata: metadataSchema,
  model_type: modelTypeSchema,
});
export type Model = z.output<typeof modelSchema>;

/** An entry of `GET /v1/models`, in OpenAI's shape with Llama Stack details in `custom_metadata`. */
export const openAIModelSchema = z.object({
  id: z.string(),
  object: z.literal('model'),
  created: z.number().int(),
  owned_by: z.string(),
  custom_metadata: metadataSchema.optional(),
});
export type OpenAIModel = z.output<typeof openAIModelSchema>;

export const listModelsResponseSchema = z.object({
  object: z.literal('list'),
  data: z.array(openAIModelSchema),
});
export type ListModelsResponse = z.output<typeof listModelsResponseSchema>;

export const registerModelRequestSchema = z.strictObject({
  model_id: z.string().min(1),
  provider_model_id: z.string().min(1).nullish(),
  provider_id: z.string().min(1).nullish(),
  metadata: metadataSchema.nullish(),
  model_type: modelTypeSchema.nullish(),
});
export type RegisterModelRequest = z.output<typeof registerModelRequestSchema>;

export const modelIdPathSchema = z.object({ model_id: z.string().min(1) });
