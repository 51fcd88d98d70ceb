import { startFakeOpenAIServer, type FakeOpenAIServer, type FakeOpenAIServerOptions, startVendorFront, type VendorFront } from '@stack/openai-compatible/testing';
import azureModels from '../__fixtures__/azure-models.json' with { type: 'json' };

export const azureKey = '0123456789abcdef0123456789abcdef';

export interface AzureFake {
  front: VendorFront;
  server: FakeOpenAIServer;
  close(): Promise<void>;
}

const azureError = (status: number, code: string, message: string) => ({ respond: { status, body: { error: { code, message } } } });

/**
 * An Azure OpenAI resource: keys in the `api-key` header (Azure's 401 wording otherwise), the v1
 * API under `/openai/v1/`, the deployment API under `/openai/deployments/{deployment}/` with a
 * required `api-version`, and `/models` answered from a recorded payload. Inference itself is
 * the OpenAI fake, whose model ids stand for the deployments.
 */
export async function startAzureFake(options: FakeOpenAIServerOptions = {}): Promise<AzureFake> {
  const server = await startFakeOpenAIServer({
    flavor: 'openai',
    models: [
      { id: 'gpt-4o-mini' },
      { id: 'gpt-35-turbo-instruct-0914' },
      { id: 'text-embedding-3-small', type: 'embedding', embeddingDimension: 1536 },
    ],
    ...options,
  });
  const front = await startVendorFront(server.url, (request) => {
    if (request.headers['api-key'] !== azureKey) {
      return azureError(401, '401', 'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.');
    }
    const url = new URL(request.url, 'http://azure');
    const version = url.searchParams.get('api-version');
    if (url.pathname === '/openai/v1/models') return { respond: { status: 200, body: azureModels } };
    if (url.pathname.startsWith('/openai/v1/')) return { forward: `/v1/${url.pathname.slice('/openai/v1/'.length)}` };
    if (!version) return azureError(404, '404', 'Resource not found');
    if (url.pathname === '/openai/models') return { respond: { status: 200, body: azureModels } };
    const deployment = /^\/openai\/deployments\/([^/]+)\/(chat\/completions|completions|embeddings)$/.exec(url.pathname);
    if (deployment) return { forward: `/v1/${deployment[2]}` };
    return azureError(404, '404', 'Resource not found');
  });
  return {
    front,
    server,
    async close() {
      await front.close();
      await server.close();
    },
  };
}
