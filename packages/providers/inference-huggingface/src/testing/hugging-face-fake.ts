import { startFakeOpenAIServer, type FakeOpenAIServer, type FakeOpenAIServerOptions, startVendorFront, type FrontDecision, type FrontRequest, type VendorFront } from '@stack/openai-compatible/testing';
import endpointDescription from '../__fixtures__/inference-endpoint.json' with { type: 'json' };
import whoami from '../__fixtures__/whoami.json' with { type: 'json' };
import type { HuggingFaceURLs } from '../huggingface-hub.js';

export const hubToken = 'hf_TestTokenAbCdEfGh0123456789';
export const servedRepository = endpointDescription.model.repository;

export interface HuggingFaceFake {
  front: VendorFront;
  server: FakeOpenAIServer;
  urls: HuggingFaceURLs;
  close(): Promise<void>;
}

/**
 * Hugging Face's services on one local port: the router at `/router/v1`, the Hub's
 * `/api/whoami-v2`, the Inference Endpoints API at `/endpoints-api/v2` describing endpoint
 * `acme-user/llama-3-1-8b-instruct-xgv` (recorded payload, its URL pointing at `/endpoint-host`),
 * and that endpoint's TGI at `/endpoint-host/v1`. The Hub-side routes check the bearer token;
 * `/v1` routes are checked by the OpenAI fake.
 */
export async function startHuggingFaceFake(
  options: { server?: FakeOpenAIServerOptions; endpoint?: Record<string, unknown>; override?: (request: FrontRequest) => FrontDecision | undefined } = {},
): Promise<HuggingFaceFake> {
  const server = await startFakeOpenAIServer({ flavor: 'vllm', apiKey: hubToken, models: [{ id: servedRepository, contextLength: 8192 }], ...options.server });
  let frontURL = '';
  const front = await startVendorFront(server.url, (request) => {
    const overridden = options.override?.(request);
    if (overridden) return overridden;
    if (request.url.startsWith('/router/v1/')) return { forward: request.url.slice('/router'.length) };
    if (request.url.startsWith('/endpoint-host/v1/')) return { forward: request.url.slice('/endpoint-host'.length) };
    if (request.headers.authorization !== `Bearer ${hubToken}`) {
      return { respond: { status: 401, body: { error: 'Invalid credentials in Authorization header' } } };
    }
    if (request.url === '/api/whoami-v2') return { respond: { status: 200, body: whoami } };
    if (request.url === '/endpoints-api/v2/endpoint/acme-user/llama-3-1-8b-instruct-xgv') {
      const description = { ...endpointDescription, ...options.endpoint };
      description.status = { ...description.status, url: `${frontURL}/endpoint-host`, ...(options.endpoint?.status as object | undefined) };
      return { respond: { status: 200, body: description } };
    }
    return { respond: { status: 404, body: { error: 'Endpoint not found' } } };
  });
  frontURL = front.url;
  return {
    front,
    server,
    urls: { routerURL: `${front.url}/router/v1`, endpointsAPIURL: `${front.url}/endpoints-api/v2`, hubURL: front.url },
    async close() {
      await front.close();
      await server.close();
    },
  };
}
