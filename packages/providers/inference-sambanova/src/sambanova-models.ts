import type { DiscoveredModel } from '@stack/inference-api';
import type { EmbeddingModelInfo, UpstreamModel } from '@stack/openai-compatible';

/** SambaNova Cloud's embedding models and their output sizes. */
export const sambanovaEmbeddingModels: Record<string, EmbeddingModelInfo> = {
  'E5-Mistral-7B-Instruct': { embedding_dimension: 4096, context_length: 4096 },
};

/**
 * Classifies one entry of SambaNova's `GET /models`, which carries `context_length`: known
 * embedding models with their sizes, other ids naming "embed"/"E5" as embedding models whose size
 * is probed, everything else an LLM.
 */
export function classifySambaNovaModel(model: UpstreamModel): DiscoveredModel {
  const known = Object.hasOwn(sambanovaEmbeddingModels, model.id) ? sambanovaEmbeddingModels[model.id] : undefined;
  if (known) return { provider_resource_id: model.id, model_type: 'embedding', metadata: { ...known } };
  const contextLength = typeof model.context_length === 'number' && model.context_length > 0 ? model.context_length : undefined;
  const metadata = contextLength === undefined ? {} : { context_length: contextLength };
  const embedding = /embed|(^|[-/])e5[-_]/i.test(model.id);
  return { provider_resource_id: model.id, model_type: embedding ? 'embedding' : 'llm', metadata };
}
