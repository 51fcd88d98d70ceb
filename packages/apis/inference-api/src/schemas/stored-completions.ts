import { z } from 'zod';
import { chatCompletionMessageSchema, chatCompletionSchema } from './chat-completion.js';

/** A stored chat completion with the messages that produced it (`GET /v1/chat/completions/{id}`). */
export const chatCompletionWithInputMessagesSchema = chatCompletionSchema.extend({
  input_messages: z.array(chatCompletionMessageSchema),
});
export type ChatCompletionWithInputMessages = z.output<typeof chatCompletionWithInputMessagesSchema>;

export const listChatCompletionsQuerySchema = z.object({
  /** Id of the last completion of the previous page. */
  after: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(100).optional(),
  model: z.string().min(1).optional(),
  order: z.enum(['asc', 'desc']).optional(),
});
export type ListChatCompletionsQuery = z.output<typeof listChatCompletionsQuerySchema>;

export const listChatCompletionsResponseSchema = z.object({
  object: z.literal('list'),
  data: z.array(chatCompletionWithInputMessagesSchema),
  first_id: z.string().nullable(),
  last_id: z.string().nullable(),
  has_more: z.boolean(),
});
export type ListChatCompletionsResponse = z.output<typeof listChatCompletionsResponseSchema>;

export const completionIdPathSchema = z.object({ completion_id: z.string().min(1) });
