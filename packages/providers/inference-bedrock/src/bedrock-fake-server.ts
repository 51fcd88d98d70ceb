import { startFakeOpenAIServer, type FakeOpenAIServer, type FakeOpenAIServerOptions, startVendorFrontServer, type VendorFrontServer } from '@stack/openai-compatible/testing';

/**
 * Test support: Bedrock Runtime's OpenAI-compatible endpoint under its real path layout
 * (`/openai/v1/chat/completions`). Like Bedrock it has no `/models`, `/completions` or
 * `/embeddings`; chat is answered by the shared fake, which checks the bearer key.
 */
export interface FakeBedrock {
  front: VendorFrontServer;
  openai: FakeOpenAIServer;
  /** `http://127.0.0.1:<port>/openai/v1`, the provider's base URL. */
  baseURL: string;
  close(): Promise<void>;
}

export const bedrockChatModel = 'openai.gpt-oss-20b-1:0';

export async function startFakeBedrock(apiKey: string, options: FakeOpenAIServerOptions = {}): Promise<FakeBedrock> {
  const openai = await startFakeOpenAIServer({ flavor: 'openai', apiKey, models: [{ id: bedrockChatModel }], ...options });
  const front = await startVendorFrontServer({
    upstreamURL: openai.url,
    forwardPath: (path) => (path === '/openai/v1/chat/completions' ? '/v1/chat/completions' : undefined),
  });
  return {
    front,
    openai,
    baseURL: `${front.url}/openai/v1`,
    async close() {
      await front.close();
      await openai.close();
    },
  };
}
