import { InvalidRequestError, type Logger, type ProviderHealth, type RequestContext } from '@stack/core';
import type {
  ChatCompletionRequest,
  CompletionRequest,
  DiscoveredModel,
  EmbeddingsRequest,
  InferenceProvider,
} from '@stack/inference-api';
import {
  createOpenAICompatibleProvider,
  type EmbeddingModelInfo,
  type FetchFunction,
  type OpenAICompatibleProvider,
} from '@stack/openai-compatible';
import { createGoogleAccessTokenSource, type GoogleAccessTokenSource } from './google-credentials.js';
import type { VertexAIConfig } from './vertexai-config.js';

/**
 * Vertex AI's OpenAI-compatible base URL for one project and location. Regional locations have
 * their own host; `global` is served by the unprefixed one.
 */
export function vertexAIBaseURL(project: string, location: string): string {
  const host = location === 'global' ? 'aiplatform.googleapis.com' : `${location}-aiplatform.googleapis.com`;
  return `https://${host}/v1/projects/${encodeURIComponent(project)}/locations/${location}/endpoints/openapi`;
}

/**
 * The Gemini models Vertex AI's Chat Completions endpoint is documented to serve, under the
 * `google/` ids it expects. The endpoint has no model listing of its own.
 */
export const vertexAIChatModels: readonly string[] = [
  'google/gemini-2.5-pro',
  'google/gemini-2.5-flash',
  'google/gemini-2.5-flash-lite',
  'google/gemini-2.0-flash-001',
  'google/gemini-2.0-flash-lite-001',
];

/** Google's embedding models on Vertex AI and their default vector sizes. */
export const vertexAIEmbeddingModels: Record<string, EmbeddingModelInfo> = {
  'google/text-embedding-005': { embedding_dimension: 768, context_length: 2048 },
  'google/text-embedding-004': { embedding_dimension: 768, context_length: 2048 },
  'google/text-multilingual-embedding-002': { embedding_dimension: 768, context_length: 2048 },
  'google/gemini-embedding-001': { embedding_dimension: 3072, context_length: 2048 },
};

export interface VertexAIProviderOptions {
  /** The `provider_id`, for messages (default `vertexai`). */
  providerId?: string;
  logger?: Logger;
  /** Replaces the network layer, for Vertex AI and Google's token endpoint alike (tests, proxies). */
  fetch?: FetchFunction;
  /** Replaces the Vertex AI URL for a project and location (tests, private endpoints). */
  baseURL?: (project: string, location: string) => string;
  /** Replaces Application Default Credentials (tests, other token sources). */
  tokenSource?: GoogleAccessTokenSource;
  /** Where Application Default Credentials are looked up (default `process.env`). */
  env?: Record<string, string | undefined>;
}

export interface VertexAIInferenceProvider extends InferenceProvider {
  readonly name: string;
  listModels(context?: RequestContext): Promise<DiscoveredModel[]>;
  health(): Promise<ProviderHealth>;
  close(): Promise<void>;
}

/** The provider-data field the token travels in to the OpenAI-compatible core. */
const tokenField = 'vertex_access_token';
const locationPattern = /^[a-z0-9-]+$/;

function providerDataString(context: RequestContext | undefined, field: string): string | undefined {
  const value = context?.providerData?.[field];
  return typeof value === 'string' && value.trim().length > 0 ? value.trim() : undefined;
}

/**
 * Gemini on Vertex AI through its OpenAI-compatible endpoint. The URL depends on the project and
 * location, which a caller may override per request (`vertex_project`, `vertex_location`), so one
 * OpenAI-compatible client is kept per pair. Authentication is an OAuth access token: the
 * caller's `vertex_access_token`, else the configured `access_token`, else one obtained from
 * Application Default Credentials.
 */
export function createVertexAIInferenceProvider(config: VertexAIConfig, options: VertexAIProviderOptions = {}): VertexAIInferenceProvider {
  const name = `Vertex AI provider '${options.providerId ?? 'vertexai'}'`;
  const tokens = options.tokenSource ?? createGoogleAccessTokenSource({ fetch: options.fetch, env: options.env });
  const urlFor = options.baseURL ?? vertexAIBaseURL;
  const clients = new Map<string, OpenAICompatibleProvider>();

  function clientFor(project: string, location: string): OpenAICompatibleProvider {
    const key = `${project}\n${location}`;
    let client = clients.get(key);
    if (!client) {
      client = createOpenAICompatibleProvider({
        name,
        baseURL: urlFor(project, location),
        requireApiKey: true,
        providerDataApiKeyField: tokenField,
        fetch: options.fetch,
        logger: options.logger,
      });
      clients.set(key, client);
    }
    return client;
  }

  async function route(context: RequestContext): Promise<{ client: OpenAICompatibleProvider; context: RequestContext }> {
    const project = providerDataString(context, 'vertex_project') ?? config.project;
    const location = providerDataString(context, 'vertex_location') ?? config.location;
    if (!project) {
      throw new InvalidRequestError(`${name}: no Google Cloud project is configured; set project in the provider config or send vertex_project in provider data.`, {
        code: 'invalid_config',
      });
    }
    if (!locationPattern.test(location)) {
      throw new InvalidRequestError(`${name}: ${JSON.stringify(location)} is not a Vertex AI location.`, { code: 'invalid_value', param: 'vertex_location' });
    }
    const token = providerDataString(context, tokenField) ?? config.access_token ?? (await tokens.getToken());
    return { client: clientFor(project, location), context: { ...context, providerData: { ...context.providerData, [tokenField]: token } } };
  }

  return {
    name,
    async chatCompletion(request: ChatCompletionRequest, context: RequestContext) {
      const routed = await route(context);
      return routed.client.chatCompletion(request, routed.context);
    },
    async completion(request: CompletionRequest, context: RequestContext) {
      const routed = await route(context);
      return routed.client.completion(request, routed.context);
    },
    async embeddings(request: EmbeddingsRequest, context: RequestContext) {
      const routed = await route(context);
      return routed.client.embeddings(request, routed.context);
    },
    async listModels() {
      return [
        ...vertexAIChatModels.map((id): DiscoveredModel => ({ provider_resource_id: id, model_type: 'llm', metadata: {} })),
        ...Object.entries(vertexAIEmbeddingModels).map(
          ([id, info]): DiscoveredModel => ({ provider_resource_id: id, model_type: 'embedding', metadata: { ...info } }),
        ),
      ];
    },
    async health() {
      // The endpoint has no cheap status call; usable credentials and a project are what can fail here.
      try {
        if (!config.project) throw new InvalidRequestError('no project is configured.');
        if (!config.access_token) await tokens.getToken();
        return { status: 'OK' };
      } catch (error) {
        return { status: 'Error', message: `${name}: ${(error as Error).message}` };
      }
    },
    async close() {
      const open = [...clients.values()];
      clients.clear();
      await Promise.all(open.map((client) => client.close()));
    },
  };
}
