
import { describeInferenceProviderConformance } from '@stack/inference-api/testing';
import { startFakeOpenAIServer } from '@stack/openai-compatible/testing';
import { providerSpec } from './index.js';
import { providerTestDependencies } from '@stack/core/testing';

const deps = providerTestDependencies('ollama');

describeInferenceProviderConformance({
  name: 'remote::ollama',
  setup: async () => {
    // 40 chunks 50 ms apart: a stream outlasts the abort check's one second, so ignoring an abort shows.
    const server = await startFakeOpenAIServer({ flavor: 'ollama', streamChunks: 40, chunkDelayMs: 50 });
    try {
      const provider = await providerSpec.create(providerSpec.configSchema.parse({ url: server.url }), deps);
      return {
        provider,
        chatModel: 'llama3.2:3b',
        completionModel: 'llama3.2:3b',
        embeddingModel: 'nomic-embed-text:latest',
        embeddingDimension: 768,
        close: () => server.close(),
      };
    } catch (error) {
      await server.close();
      throw error;
    }
  },
});
