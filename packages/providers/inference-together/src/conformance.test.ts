
import { describeInferenceProviderConformance } from '@stack/inference-api/testing';
import { startFakeOpenAIServer } from '@stack/openai-compatible/testing';
import recordedModels from './__fixtures__/together-models.json' with { type: 'json' };
import { providerSpec } from './index.js';
import { providerTestDependencies } from '@stack/core/testing';

const deps = providerTestDependencies('together');
const apiKey = 'tgp_v1_conformance0123456789';

describeInferenceProviderConformance({
  name: 'remote::together',
  setup: async () => {
    const server = await startFakeOpenAIServer({
      flavor: 'openai',
      apiKey,
      models: [
        { id: 'meta-llama/Llama-3.3-70B-Instruct-Turbo' },
        { id: 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference' },
        { id: 'BAAI/bge-base-en-v1.5', type: 'embedding', embeddingDimension: 768 },
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
        chatModel: 'meta-llama/Llama-3.3-70B-Instruct-Turbo',
        completionModel: 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference',
        embeddingModel: 'BAAI/bge-base-en-v1.5',
        embeddingDimension: 768,
        close: () => server.close(),
      };
    } catch (error) {
      await server.close();
      throw error;
    }
  },
});
