import type { DiscoveredModel, ModelType } from '@stack/inference-api';
import type { UpstreamModel } from '@stack/openai-compatible';

const modelTypes: readonly ModelType[] = ['llm', 'embedding', 'rerank'];

/**
 * One entry of a Llama Stack server's `GET /v1/models`: OpenAI's shape, with the model's type and
 * metadata under `custom_metadata`. The other server's own routing fields (`provider_id`,
 * `provider_resource_id`) describe its providers, not this one, so they are left out; the rest
 * (`embedding_dimension`, `context_length`, …) is kept. Types this stack does not know are skipped.
 */
export function classifyLlamaStackModel(model: UpstreamModel): DiscoveredModel | undefined {
  const custom = (model.custom_metadata ?? {}) as Record<string, unknown>;
  const { model_type: type = 'llm', provider_id: _providerId, provider_resource_id: _resourceId, ...metadata } = custom;
  if (!modelTypes.includes(type as ModelType)) return undefined;
  return { provider_resource_id: model.id, model_type: type as ModelType, metadata };
}
