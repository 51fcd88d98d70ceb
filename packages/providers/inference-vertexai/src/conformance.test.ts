import { describeInferenceProviderConformance } from '@stack/inference-api/testing';
import { createVertexAIInferenceProvider, vertexAIConfigSchema } from './index.js';
import { startFakeVertexAI } from './vertexai-fake-server.js';

describeInferenceProviderConformance({
  name: 'remote::vertexai',
  setup: async () => {
    // 40 chunks 50 ms apart: a stream outlasts the abort check's one second, so ignoring an abort shows.
    const fake = await startFakeVertexAI({ streamChunks: 40, chunkDelayMs: 50 });
    // Authenticated the way a deployment would be: a service-account key file and a token exchange.
    const provider = createVertexAIInferenceProvider(vertexAIConfigSchema.parse({ project: 'acme-prod' }), {
      baseURL: fake.baseURL,
      env: { GOOGLE_APPLICATION_CREDENTIALS: fake.serviceAccountFile },
    });
    return {
      provider,
      chatModel: 'google/gemini-2.5-flash',
      embeddingModel: 'google/text-embedding-005',
      embeddingDimension: 768,
      close: () => fake.close(),
    };
  },
});
