export {
  chatCompletionChunkSchema,
  chatCompletionMessageSchema,
  chatCompletionRequestSchema,
  chatCompletionSchema,
  type ChatCompletion,
  type ChatCompletionChunk,
  type ChatCompletionMessageParam,
  type ChatCompletionRequest,
} from './chat-completion.js';
export { completionRequestSchema, completionSchema, type Completion, type CompletionRequest } from './completion.js';
export {
  embeddingsRequestSchema,
  embeddingsResponseSchema,
  type EmbeddingsRequest,
  type EmbeddingsResponse,
} from './embeddings.js';
export { rerankRequestSchema, rerankResponseSchema, type RerankInput, type RerankRequest, type RerankResponse } from './rerank.js';
export {
  chatCompletionWithInputMessagesSchema,
  completionIdPathSchema,
  listChatCompletionsQuerySchema,
  listChatCompletionsResponseSchema,
  type ChatCompletionWithInputMessages,
  type ListChatCompletionsQuery,
  type ListChatCompletionsResponse,
} from './stored-completions.js';
