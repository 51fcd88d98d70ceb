
import { describeInferenceProviderConformance } from '@stack/inference-api/testing';
import { startFakeOpenAIServer } from '@stack/openai-compatible/testing';
import { providerSpec } from './index.js';
import { providerTestDependencies } from '@stack/core/testing';

const deps = providerTestDependencies('openai');
const apiKey = 'sk-proj-conformance-0123456789';

describeInferenceProviderConformance({
  name: 'remote::openai',
  setup: async () => {
    const server = await startFakeOpenAIServer({
      flavor: 'openai',
      apiKey,
      // OpenAI serves /v1/completions only with its instruct model.
      models: [
        { id: 'gpt-4o-mini' },
        { id: 'gpt-3.5-turbo-instruct' },
        { id: 'text-embedding-3-small', type: 'embedding', embeddingDimension: 1536 },
      ],
      // 40 chunks 50 ms apart: a stream outlasts the abort check's one second, so ignoring an abort shows.
      streamChunks: 40,
      chunkDelayMs: 50,
    });
    try {
      const provider = await providerSpec.create(providerSpec.configSchema.parse({ api_key: apiKey, base_url: server.baseURL }), deps);
      return {
        provider,
        chatModel: 'gpt-4o-mini',
        completionModel: 'gpt-3.5-turbo-instruct',
        embeddingModel: 'text-embedding-3-small',
        embeddingDimension: 1536,
        close: () => server.close(),
      };
    } catch (error) {
      await server.close();
      throw error;
    }
  },
});
