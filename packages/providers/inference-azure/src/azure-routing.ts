import type { FetchFunction } from '@stack/openai-compatible';

/** How requests reach an Azure OpenAI resource. */
export interface AzureRoute {
  /** The resource root, e.g. `https://my-resource.openai.azure.com`. */
  root: string;
  /** `v1`: `/openai/v1/...`; `deployments`: `/openai/deployments/{deployment}/...?api-version=…`. */
  layout: 'v1' | 'deployments';
  /** The `api-version` query value, when one is sent. */
  apiVersion?: string;
}

const datedVersion = /^\d{4}-\d{2}-\d{2}(-preview)?$/;

/** Reads the layout a user's `api_base` and `api_version` imply. */
export function azureRoute(apiBase: string, apiVersion: string | undefined): AzureRoute {
  // Users paste the resource endpoint with or without `/openai` or `/openai/v1`.
  const root = apiBase.replace(/\/+$/, '').replace(/\/openai(\/v1)?$/, '');
  const version = apiVersion?.trim();
  if (version && datedVersion.test(version)) return { root, layout: 'deployments', apiVersion: version };
  // The v1 API needs no version; `preview` opts into its preview features.
  return { root, layout: 'v1', apiVersion: version === 'preview' ? 'preview' : undefined };
}

/** Operations whose deployment-layout path names the deployment. */
const deploymentOperations = new Set(['chat/completions', 'completions', 'embeddings']);

/**
 * The network layer for Azure: the stack's OpenAI-compatible core speaks to `{root}/openai/v1`
 * with `Authorization: Bearer <key>`. Azure authenticates API keys with the `api-key` header, and
 * its dated API versions address a deployment in the path with an `api-version` query, so each
 * request is rewritten here: the key moves to `api-key`, and in the deployment layout
 * `/openai/v1/chat/completions` becomes `/openai/deployments/{model}/chat/completions?api-version=…`
 * and `/openai/v1/models` becomes `/openai/models?api-version=…`.
 */
export function createAzureFetch(route: AzureRoute, inner: FetchFunction = (input, init) => globalThis.fetch(input, init)): FetchFunction {
  const v1Prefix = `${route.root}/openai/v1/`;
  return async (input, init) => {
    const request = input instanceof Request ? input : undefined;
    const url = new URL(request ? request.url : String(input));
    const headers = new Headers(init?.headers ?? request?.headers);
    const authorization = headers.get('authorization');
    if (authorization?.startsWith('Bearer ')) headers.set('api-key', authorization.slice('Bearer '.length));
    headers.delete('authorization');

    const href = `${url.origin}${url.pathname}`;
    if (href.startsWith(v1Prefix) && route.layout === 'deployments') {
      const operation = href.slice(v1Prefix.length);
      if (deploymentOperations.has(operation) && typeof init?.body === 'string') {
        const deployment = (JSON.parse(init.body) as { model?: unknown }).model;
        url.pathname = `${new URL(route.root).pathname.replace(/\/+$/, '')}/openai/deployments/${encodeURIComponent(String(deployment))}/${operation}`;
      } else {
        url.pathname = `${new URL(route.root).pathname.replace(/\/+$/, '')}/openai/${operation}`;
      }
    }
    if (route.apiVersion && !url.searchParams.has('api-version')) url.searchParams.set('api-version', route.apiVersion);
    return inner(url.toString(), { ...init, headers });
  };
}
