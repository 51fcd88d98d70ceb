import type { DiscoveredModel } from '@stack/inference-api';
import type { UpstreamModel } from '@stack/openai-compatible';

/** Speech-to-text and text-to-speech models share Groq's listing but not its chat endpoint. */
const audioModel = /whisper|(^|[-/])tts($|[-/])|orpheus/i;

/**
 * Classifies one entry of Groq's `GET /openai/v1/models`: every listed language model is an LLM
 * with Groq's `context_window` as its context length. Audio models and deactivated ones
 * (`active: false`) are left out; Groq serves no embedding models.
 */
export function classifyGroqModel(model: UpstreamModel): DiscoveredModel | undefined {
  if (model.active === false || audioModel.test(model.id)) return undefined;
  const contextWindow = typeof model.context_window === 'number' && model.context_window > 0 ? model.context_window : undefined;
  return { provider_resource_id: model.id, model_type: 'llm', metadata: contextWindow === undefined ? {} : { context_length: contextWindow } };
}
