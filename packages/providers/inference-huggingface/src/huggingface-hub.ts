import { UpstreamError, type RequestContext } from '@stack/core';
import type { OpenAICompatibleUpstream } from '@stack/openai-compatible';

/** Where Hugging Face's services live; tests and private deployments replace them. */
export interface HuggingFaceURLs {
  /** The OpenAI-compatible router of Inference Providers. */
  routerURL: string;
  /** The Inference Endpoints management API. */
  endpointsAPIURL: string;
  /** The Hub, for `whoami-v2`. */
  hubURL: string;
}

export const defaultHuggingFaceURLs: HuggingFaceURLs = {
  routerURL: 'https://router.huggingface.co/v1',
  endpointsAPIURL: 'https://api.endpoints.huggingface.cloud/v2',
  hubURL: 'https://huggingface.co',
};

/** The parts of an Inference Endpoint description (`GET /v2/endpoint/{namespace}/{name}`) read here. */
export interface InferenceEndpointDescription {
  name?: string;
  model?: {
    repository?: string;
    image?: {
      custom?: { env?: Record<string, string> | null } | null;
      tgi?: { maxTotalTokens?: number | null } | null;
    } | null;
  } | null;
  status?: { state?: string; message?: string | null; url?: string | null } | null;
}

/** What the provider needs to call a deployed endpoint. */
export interface ResolvedEndpoint {
  /** The endpoint's own host, e.g. `https://x1y2.us-east-1.aws.endpoints.huggingface.cloud`. */
  url: string;
  /** The Hub repository it serves. */
  repository: string;
  contextLength?: number;
}

/** States whose URL answers requests; a scaled-to-zero endpoint wakes up on its first request. */
const callableStates = new Set(['running', 'scaledToZero', 'initializing', 'updating']);

/**
 * Finds an endpoint's URL and model through the Inference Endpoints API. A bare name belongs to
 * the token's own account, which `whoami-v2` names.
 */
export async function resolveInferenceEndpoint(
  management: OpenAICompatibleUpstream,
  endpointName: string,
  hubURL: string,
  context?: RequestContext,
): Promise<ResolvedEndpoint> {
  const slash = endpointName.indexOf('/');
  const name = slash >= 0 ? endpointName.slice(slash + 1) : endpointName;
  let namespace = slash >= 0 ? endpointName.slice(0, slash) : undefined;
  if (!namespace) {
    const whoami = await management.get<{ name?: string }>(`${hubURL.replace(/\/+$/, '')}/api/whoami-v2`, { context });
    namespace = whoami.name;
  }
  const description = await management.get<InferenceEndpointDescription>(
    `/endpoint/${encodeURIComponent(namespace ?? '')}/${encodeURIComponent(name)}`,
    { context },
  );
  const state = description.status?.state ?? 'unknown';
  const url = description.status?.url;
  if (!callableStates.has(state) || !url) {
    throw new UpstreamError(
      `Inference Endpoint ${namespace}/${name} cannot take requests (state: ${state}${description.status?.message ? `, ${description.status.message}` : ''}).`,
      { code: 'endpoint_unavailable' },
    );
  }
  const fromEnv = Number(description.model?.image?.custom?.env?.MAX_TOTAL_TOKENS);
  const fromTGI = description.model?.image?.tgi?.maxTotalTokens;
  const contextLength = Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : typeof fromTGI === 'number' ? fromTGI : undefined;
  return { url: url.replace(/\/+$/, ''), repository: description.model?.repository ?? name, contextLength };
}
