
import { describeInferenceProviderConformance } from '@stack/inference-api/testing';
import { providerSpec } from './index.js';
import { startLlamaStackFake } from './testing/llama-stack-fake.js';
import { providerTestDependencies } from '@stack/core/testing';

const deps = providerTestDependencies('passthrough');

describeInferenceProviderConformance({
  name: 'remote::passthrough',
  setup: async () => {
    // 40 pieces 50 ms apart: a stream outlasts the abort check's one second, so ignoring an abort shows.
    const fake = await startLlamaStackFake({ apiKey: 'stack-b-key', streamChunks: 40, chunkDelayMs: 50 });
    try {
      const provider = await providerSpec.create(providerSpec.configSchema.parse({ url: fake.url, api_key: 'stack-b-key' }), deps);
      return {
        provider,
        chatModel: 'ollama/llama3.2:3b',
        completionModel: 'ollama/llama3.2:3b',
        embeddingModel: 'sentence-transformers/nomic-ai/nomic-embed-text-v1.5',
        embeddingDimension: 768,
        close: () => fake.close(),
      };
    } catch (error) {
      await fake.close();
      throw error;
    }
  },
});
