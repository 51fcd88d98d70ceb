import { describeInferenceProviderConformance } from '@stack/inference-api/testing';
import { createGeminiInferenceProvider, geminiConfigSchema } from './index.js';
import { startFakeGemini } from './gemini-fake-server.js';

const apiKey = 'AIzaSyConformance0123456789';

describeInferenceProviderConformance({
  name: 'remote::gemini',
  setup: async () => {
    // 40 chunks 50 ms apart: a stream outlasts the abort check's one second, so ignoring an abort shows.
    const fake = await startFakeGemini(apiKey, { streamChunks: 40, chunkDelayMs: 50 });
    const provider = createGeminiInferenceProvider(geminiConfigSchema.parse({ api_key: apiKey }), { baseURL: fake.baseURL });
    return {
      provider,
      chatModel: 'models/gemini-2.5-flash',
      embeddingModel: 'models/text-embedding-004',
      embeddingDimension: 768,
      close: () => fake.close(),
    };
  },
});
