
import { describeInferenceProviderConformance } from '@stack/inference-api/testing';
import { startFakeOpenAIServer } from '@stack/openai-compatible/testing';
import recordedModels from './__fixtures__/fireworks-models.json' with { type: 'json' };
import { providerSpec } from './index.js';
import { providerTestDependencies } from '@stack/core/testing';

const deps = providerTestDependencies('fireworks');
const apiKey = 'fw_conformance0123456789';

describeInferenceProviderConformance({
  name: 'remote::fireworks',
  setup: async () => {
    const server = await startFakeOpenAIServer({
      flavor: 'openai',
      apiKey,
      models: [
        { id: 'accounts/fireworks/models/llama-v3p3-70b-instruct' },
        { id: 'accounts/fireworks/models/llama-v3p1-8b-instruct' },
        { id: 'nomic-ai/nomic-embed-text-v1.5', type: 'embedding', embeddingDimension: 768 },
      ],
      modelsResponse: recordedModels,
      // 40 chunks 50 ms apart: a stream outlasts the abort check's one second.
      streamChunks: 40,
      chunkDelayMs: 50,
    });
    try {
      const provider = await providerSpec.create(providerSpec.configSchema.parse({ api_key: apiKey, url: server.baseURL }), deps);
      return {
        provider,
        chatModel: 'accounts/fireworks/models/llama-v3p3-70b-instruct',
        completionModel: 'accounts/fireworks/models/llama-v3p1-8b-instruct',
        embeddingModel: 'nomic-ai/nomic-embed-text-v1.5',
        embeddingDimension: 768,
        close: () => server.close(),
      };
    } catch (error) {
      await server.close();
      throw error;
    }
  },
});
