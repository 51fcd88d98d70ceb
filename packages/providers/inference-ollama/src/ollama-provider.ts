import type { Logger, RequestContext } from '@stack/core';
import type { DiscoveredModel } from '@stack/inference-api';
import {
  createOpenAICompatibleProvider,
  type FetchFunction,
  type OpenAICompatibleProvider,
  type OpenAICompatibleUpstream,
} from '@stack/openai-compatible';
import type { OllamaConfig } from './ollama-config.js';
import { classifyOllamaModel, classifyOllamaModelByName, type OllamaShowResponse } from './ollama-models.js';

export interface OllamaProviderOptions {
  /** The `provider_id`, for messages (default `ollama`). */
  providerId?: string;
  logger?: Logger;
  /** Replaces the network layer (tests, proxies). */
  fetch?: FetchFunction;
}

interface OllamaTagsResponse {
  models?: Array<{ name?: string; model?: string }> | null;
}

/** An Ollama server: inference through `{url}/v1`, models through its native `/api`. */
export function createOllamaInferenceProvider(config: OllamaConfig, options: OllamaProviderOptions = {}): OpenAICompatibleProvider {
  const name = `Ollama provider '${options.providerId ?? 'ollama'}'`;
  // Users write both `http://host:11434` and `http://host:11434/v1`.
  const root = config.url.replace(/\/+$/, '').replace(/\/v1$/, '');

  async function listModels(upstream: OpenAICompatibleUpstream, context?: RequestContext): Promise<DiscoveredModel[]> {
    const tags = await upstream.get<OllamaTagsResponse>(`${root}/api/tags`, { context });
    const names = (tags.models ?? []).flatMap((entry) => {
      const modelName = entry.model ?? entry.name;
      return typeof modelName === 'string' && modelName.length > 0 ? [modelName] : [];
    });
    return Promise.all(
      names.map(async (modelName) => {
        try {
          const show = await upstream.post<OllamaShowResponse>(`${root}/api/show`, { model: modelName }, { context });
          return classifyOllamaModel(modelName, show);
        } catch (error) {
          if (context?.signal.aborted) throw error;
          // One unreadable model should not hide the others.
          options.logger?.warn('could not inspect an Ollama model; classifying it by name', {
            provider: name,
            model: modelName,
            error: (error as Error).message,
          });
          return classifyOllamaModelByName(modelName);
        }
      }),
    );
  }

  return createOpenAICompatibleProvider({
    name,
    baseURL: `${root}/v1`,
    listModels,
    health: (upstream, { timeoutMs }) => upstream.get(`${root}/api/version`, { timeoutMs }).then(() => undefined),
    fetch: options.fetch,
    logger: options.logger,
  });
}
