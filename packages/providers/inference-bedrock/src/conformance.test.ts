import { describeInferenceProviderConformance } from '@stack/inference-api/testing';
import { bedrockConfigSchema, createBedrockInferenceProvider } from './index.js';
import { bedrockChatModel, startFakeBedrock } from './bedrock-fake-server.js';

const apiKey = 'ABSKQmVkcm9ja0FQSUtleS1jb25mb3JtYW5jZQ==';

describeInferenceProviderConformance({
  name: 'remote::bedrock',
  setup: async () => {
    // 40 chunks 50 ms apart: a stream outlasts the abort check's one second, so ignoring an abort shows.
    const fake = await startFakeBedrock(apiKey, { streamChunks: 40, chunkDelayMs: 50 });
    const provider = createBedrockInferenceProvider(bedrockConfigSchema.parse({ api_key: apiKey }), { baseURL: fake.baseURL });
    // Bedrock's endpoint lists no models and serves neither completions nor embeddings.
    return { provider, chatModel: bedrockChatModel, close: () => fake.close() };
  },
});
