
import { describeInferenceProviderConformance } from '@stack/inference-api/testing';
import { startFakeOpenAIServer, startVendorFrontServer } from '@stack/openai-compatible/testing';
import recordedModels from './__fixtures__/groq-models.json' with { type: 'json' };
import { providerSpec } from './index.js';
import { providerTestDependencies } from '@stack/core/testing';

const deps = providerTestDependencies('groq');
const apiKey = 'gsk_conformance0123456789';

// Groq serves chat only, so the suite runs without completion and embedding models.
describeInferenceProviderConformance({
  name: 'remote::groq',
  setup: async () => {
    const server = await startFakeOpenAIServer({
      flavor: 'openai',
      apiKey,
      models: [{ id: 'llama-3.3-70b-versatile' }],
      modelsResponse: recordedModels,
      // 40 chunks 50 ms apart: a stream outlasts the abort check's one second.
      streamChunks: 40,
      chunkDelayMs: 50,
    });
    const front = await startVendorFrontServer({
      upstreamURL: server.url,
      forwardPath: (path) => (path.startsWith('/openai/v1/') ? path.slice('/openai'.length) : undefined),
    });
    const close = async () => {
      await front.close();
      await server.close();
    };
    try {
      const provider = await providerSpec.create(providerSpec.configSchema.parse({ api_key: apiKey, url: front.url }), deps);
      return { provider, chatModel: 'llama-3.3-70b-versatile', close };
    } catch (error) {
      await close();
      throw error;
    }
  },
});
