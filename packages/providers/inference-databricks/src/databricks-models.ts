import type { DiscoveredModel } from '@stack/inference-api';
import type { EmbeddingModelInfo } from '@stack/openai-compatible';

/** Databricks' pay-per-token embedding endpoints and their output sizes. */
export const databricksEmbeddingModels: Record<string, EmbeddingModelInfo> = {
  'databricks-gte-large-en': { embedding_dimension: 1024, context_length: 8192 },
  'databricks-bge-large-en': { embedding_dimension: 1024, context_length: 512 },
};

/** One entry of `GET /api/2.0/serving-endpoints`, the fields used here. */
export interface DatabricksServingEndpoint {
  name?: unknown;
  task?: unknown;
  [field: string]: unknown;
}

/**
 * Classifies a serving endpoint by its `task`: chat and completions endpoints are LLMs, embedding
 * endpoints embedding models (known sizes, else probed). Endpoints of other tasks, and custom
 * model endpoints that declare none, do not speak the OpenAI format and are left out.
 */
export function classifyDatabricksEndpoint(endpoint: DatabricksServingEndpoint): DiscoveredModel | undefined {
  if (typeof endpoint.name !== 'string' || endpoint.name.length === 0) return undefined;
  const name = endpoint.name;
  if (endpoint.task === 'llm/v1/chat' || endpoint.task === 'llm/v1/completions') {
    return { provider_resource_id: name, model_type: 'llm', metadata: {} };
  }
  if (endpoint.task === 'llm/v1/embeddings') {
    const known = Object.hasOwn(databricksEmbeddingModels, name) ? databricksEmbeddingModels[name] : undefined;
    return { provider_resource_id: name, model_type: 'embedding', metadata: known ? { ...known } : {} };
  }
  return undefined;
}
