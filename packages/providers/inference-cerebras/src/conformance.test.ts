
import { describeInferenceProviderConformance } from '@stack/inference-api/testing';
import { startFakeOpenAIServer } from '@stack/openai-compatible/testing';
import { providerSpec } from './index.js';
import { providerTestDependencies } from '@stack/core/testing';

const deps = providerTestDependencies('cerebras');
const apiKey = 'csk-conformance0123456789';

// Cerebras serves no embedding models, so the suite runs without one.
describeInferenceProviderConformance({
  name: 'remote::cerebras',
  setup: async () => {
    const server = await startFakeOpenAIServer({
      flavor: 'openai',
      apiKey,
      models: [{ id: 'llama-3.3-70b', ownedBy: 'Meta' }, { id: 'llama3.1-8b', ownedBy: 'Meta' }],
      // 40 chunks 50 ms apart: a stream outlasts the abort check's one second.
      streamChunks: 40,
      chunkDelayMs: 50,
    });
    try {
      const provider = await providerSpec.create(providerSpec.configSchema.parse({ api_key: apiKey, base_url: server.url }), deps);
      return { provider, chatModel: 'llama-3.3-70b', completionModel: 'llama3.1-8b', close: () => server.close() };
    } catch (error) {
      await server.close();
      throw error;
    }
  },
});
