
import { describeInferenceProviderConformance } from '@stack/inference-api/testing';
import { startFakeOpenAIServer } from '@stack/openai-compatible/testing';
import recordedModels from './__fixtures__/sambanova-models.json' with { type: 'json' };
import { providerSpec } from './index.js';
import { providerTestDependencies } from '@stack/core/testing';

const deps = providerTestDependencies('sambanova');
const apiKey = 'sn-conformance-0123456789';

describeInferenceProviderConformance({
  name: 'remote::sambanova',
  setup: async () => {
    const server = await startFakeOpenAIServer({
      flavor: 'openai',
      apiKey,
      models: [
        { id: 'Meta-Llama-3.3-70B-Instruct' },
        { id: 'Meta-Llama-3.1-8B-Instruct' },
        { id: 'E5-Mistral-7B-Instruct', type: 'embedding', embeddingDimension: 4096 },
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
        chatModel: 'Meta-Llama-3.3-70B-Instruct',
        completionModel: 'Meta-Llama-3.1-8B-Instruct',
        embeddingModel: 'E5-Mistral-7B-Instruct',
        embeddingDimension: 4096,
        close: () => server.close(),
      };
    } catch (error) {
      await server.close();
      throw error;
    }
  },
});
