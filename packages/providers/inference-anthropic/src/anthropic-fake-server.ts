import { startFakeOpenAIServer, type FakeOpenAIServer, type FakeOpenAIServerOptions, sendVendorJson, startVendorFrontServer, type VendorFrontServer } from '@stack/openai-compatible/testing';
import pageOne from './__fixtures__/anthropic-models-page-1.json' with { type: 'json' };
import pageTwo from './__fixtures__/anthropic-models-page-2.json' with { type: 'json' };

/**
 * Test support: Anthropic's API as this provider sees it. `GET /v1/models` is Anthropic's native
 * listing (x-api-key, anthropic-version, `after_id` pages, recorded payloads); the
 * OpenAI-compatible routes are answered by the shared fake, which checks the bearer key.
 */
export interface FakeAnthropic {
  front: VendorFrontServer;
  openai: FakeOpenAIServer;
  /** `http://127.0.0.1:<port>/v1`, the provider's base URL. */
  baseURL: string;
  close(): Promise<void>;
}

export const fakeAnthropicModels = [
  { id: 'claude-sonnet-4-5-20250929' },
  { id: 'claude-3-5-haiku-20241022' },
];

export async function startFakeAnthropic(apiKey: string, options: FakeOpenAIServerOptions = {}): Promise<FakeAnthropic> {
  const openai = await startFakeOpenAIServer({ flavor: 'openai', apiKey, models: fakeAnthropicModels, ...options });
  const front = await startVendorFrontServer({
    upstreamURL: openai.url,
    forwardPath: (path) => (path.startsWith('/v1/') ? path : undefined),
    handle(request, response) {
      if (request.method !== 'GET' || request.path !== '/v1/models') return false;
      if (request.headers['x-api-key'] !== apiKey) {
        sendVendorJson(response, 401, { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } });
      } else if (!request.headers['anthropic-version']) {
        sendVendorJson(response, 400, { type: 'error', error: { type: 'invalid_request_error', message: 'anthropic-version: header is required' } });
      } else {
        sendVendorJson(response, 200, request.query.get('after_id') === pageOne.last_id ? pageTwo : pageOne);
      }
      return true;
    },
  });
  return {
    front,
    openai,
    baseURL: `${front.url}/v1`,
    async close() {
      await front.close();
      await openai.close();
    },
  };
}
