
import { describeInferenceProviderConformance } from '@stack/inference-api/testing';
import { startFakeOpenAIServer } from '@stack/openai-compatible/testing';
import { providerSpec } from './index.js';
import { providerTestDependencies } from '@stack/core/testing';

const deps = providerTestDependencies('nvidia');
const apiKey = 'nvapi-conformance0123456789';

describeInferenceProviderConformance({
  name: 'remote::nvidia',
  setup: async () => {
    const server = await startFakeOpenAIServer({
      flavor: 'openai',
      apiKey,
      models: [
        { id: 'meta/llama-3.1-8b-instruct', contextLength: 131072 },
        { id: 'nvidia/nv-embedqa-e5-v5', type: 'embedding', embeddingDimension: 1024 },
      ],
      // 40 chunks 50 ms apart: a stream outlasts the abort check's one second.
      streamChunks: 40,
      chunkDelayMs: 50,
    });
    try {
      // A self-hosted NIM at its origin; the provider appends /v1.
      const provider = await providerSpec.create(providerSpec.configSchema.parse({ url: server.url, api_key: apiKey }), deps);
      return {
        provider,
        chatModel: 'meta/llama-3.1-8b-instruct',
        completionModel: 'meta/llama-3.1-8b-instruct',
        embeddingModel: 'nvidia/nv-embedqa-e5-v5',
        embeddingDimension: 1024,
        close: () => server.close(),
      };
    } catch (error) {
      await server.close();
      throw error;
    }
  },
});
