import { describeInferenceProviderConformance } from '@stack/inference-api/testing';
import { anthropicConfigSchema, createAnthropicInferenceProvider } from './index.js';
import { startFakeAnthropic } from './anthropic-fake-server.js';

const apiKey = 'sk-ant-api03-conformance-0123456789';

describeInferenceProviderConformance({
  name: 'remote::anthropic',
  setup: async () => {
    // 40 chunks 50 ms apart: a stream outlasts the abort check's one second, so ignoring an abort shows.
    const fake = await startFakeAnthropic(apiKey, { streamChunks: 40, chunkDelayMs: 50 });
    const provider = createAnthropicInferenceProvider(anthropicConfigSchema.parse({ api_key: apiKey }), { baseURL: fake.baseURL });
    // Anthropic offers neither text completions nor embeddings, so those checks do not apply.
    return { provider, chatModel: 'claude-sonnet-4-5-20250929', close: () => fake.close() };
  },
});
