import { startFakeOpenAIServer, type FakeOpenAIServer, type FakeOpenAIServerOptions, startVendorFrontServer, type VendorFrontServer } from '@stack/openai-compatible/testing';
import recordedModels from './__fixtures__/gemini-models.json' with { type: 'json' };

/**
 * Test support: Gemini's OpenAI-compatible endpoint under its real path layout
 * (`/v1beta/openai/...`), answered by the shared fake with Gemini's model ids and its recorded
 * `GET /models` payload.
 */
export interface FakeGemini {
  front: VendorFrontServer;
  openai: FakeOpenAIServer;
  /** `http://127.0.0.1:<port>/v1beta/openai/`, the provider's base URL. */
  baseURL: string;
  close(): Promise<void>;
}

export async function startFakeGemini(apiKey: string, options: FakeOpenAIServerOptions = {}): Promise<FakeGemini> {
  const openai = await startFakeOpenAIServer({
    flavor: 'openai',
    apiKey,
    modelsResponse: recordedModels,
    models: [
      { id: 'models/gemini-2.5-flash' },
      { id: 'models/text-embedding-004', type: 'embedding', embeddingDimension: 768 },
      { id: 'models/gemini-embedding-exp-03-07', type: 'embedding', embeddingDimension: 3072 },
    ],
    ...options,
  });
  const prefix = '/v1beta/openai/';
  const front = await startVendorFrontServer({
    upstreamURL: openai.url,
    forwardPath: (path) => (path.startsWith(prefix) ? `/v1/${path.slice(prefix.length)}` : undefined),
  });
  return {
    front,
    openai,
    baseURL: `${front.url}${prefix}`,
    async close() {
      await front.close();
      await openai.close();
    },
  };
}
