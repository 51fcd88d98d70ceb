import { startFakeOpenAIServer, type FakeOpenAIServer, type FakeOpenAIServerOptions, sendVendorJson, startVendorFrontServer, type VendorFrontServer } from '@stack/openai-compatible/testing';
import modelSpecs from './__fixtures__/watsonx-foundation-model-specs.json' with { type: 'json' };
import recordedModels from './__fixtures__/watsonx-models.json' with { type: 'json' };
import unknownKey from './__fixtures__/ibm-iam-error-unknown-key.json' with { type: 'json' };

/**
 * Test support: IBM Cloud IAM (`POST /identity/token`) and watsonx.ai's OpenAI-compatible
 * `/ml/v1` API on one local server. IAM trades the API key for a token; `/ml/v1` insists on the
 * `version` query parameter, serves the recorded model specs and listing, and leaves chat and
 * embeddings to the shared fake, which checks the IAM token.
 */
export const iamToken = 'eyJraWQiOiIyMDI1MTAyMzA4MzMiLCJhbGciOiJSUzI1NiJ9.watsonx-test-token';

export interface FakeWatsonx {
  front: VendorFrontServer;
  openai: FakeOpenAIServer;
  /** The provider's `base_url`. */
  url: string;
  iamTokenURL: string;
  /** API keys IAM was asked to exchange, in order. */
  exchanges: string[];
  close(): Promise<void>;
}

export async function startFakeWatsonx(apiKey: string, options: FakeOpenAIServerOptions = {}): Promise<FakeWatsonx> {
  const openai = await startFakeOpenAIServer({
    flavor: 'openai',
    apiKey: iamToken,
    modelsResponse: recordedModels,
    models: [
      { id: 'meta-llama/llama-3-3-70b-instruct' },
      { id: 'ibm/granite-3-3-8b-instruct' },
      { id: 'ibm/slate-125m-english-rtrvr-v2', type: 'embedding', embeddingDimension: 768 },
    ],
    ...options,
  });
  const exchanges: string[] = [];
  const front = await startVendorFrontServer({
    upstreamURL: openai.url,
    forwardPath: (path) => (path.startsWith('/ml/v1/') ? `/v1/${path.slice('/ml/v1/'.length)}` : undefined),
    handle(request, response) {
      if (request.path === '/identity/token') {
        const form = new URLSearchParams(typeof request.body === 'string' ? request.body : '');
        exchanges.push(form.get('apikey') ?? '');
        if (form.get('grant_type') !== 'urn:ibm:params:oauth:grant-type:apikey' || form.get('apikey') !== apiKey) {
          return (sendVendorJson(response, 400, unknownKey), true);
        }
        const issued = Math.floor(Date.now() / 1000);
        sendVendorJson(response, 200, {
          access_token: iamToken,
          refresh_token: 'not_supported',
          token_type: 'Bearer',
          expires_in: 3600,
          expiration: issued + 3600,
          scope: 'ibm openid',
        });
        return true;
      }
      if (!request.path.startsWith('/ml/v1/')) return false;
      if (request.query.get('version') !== '2023-10-25') {
        sendVendorJson(response, 400, {
          errors: [{ code: 'missing_version', message: "Missing query parameter 'version'", more_info: 'https://cloud.ibm.com/apidocs/watsonx-ai' }],
          trace: '0c1d2e3f',
          status_code: 400,
        });
        return true;
      }
      if (request.path === '/ml/v1/foundation_model_specs') {
        const start = Number(request.query.get('start') ?? 0);
        const limit = Number(request.query.get('limit') ?? 100);
        sendVendorJson(response, 200, { ...modelSpecs, limit, resources: modelSpecs.resources.slice(start, start + limit) });
        return true;
      }
      return false;
    },
  });
  return {
    front,
    openai,
    url: front.url,
    iamTokenURL: `${front.url}/identity/token`,
    exchanges,
    async close() {
      await front.close();
      await openai.close();
    },
  };
}
