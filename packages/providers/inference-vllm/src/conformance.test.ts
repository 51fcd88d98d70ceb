
import { describeInferenceProviderConformance } from '@stack/inference-api/testing';
import { startFakeOpenAIServer } from '@stack/openai-compatible/testing';
import { providerSpec } from './index.js';
import { providerTestDependencies } from '@stack/core/testing';

const deps = providerTestDependencies('vllm');

describeInferenceProviderConformance({
  name: 'remote::vllm',
  setup: async () => {
    // 40 chunks 50 ms apart: a stream outlasts the abort check's one second, so ignoring an abort shows.
    const server = await startFakeOpenAIServer({ flavor: 'vllm', streamChunks: 40, chunkDelayMs: 50 });
    try {
      const provider = await providerSpec.create(providerSpec.configSchema.parse({ url: server.baseURL }), deps);
      return {
        provider,
        chatModel: 'meta-llama/Llama-3.2-3B-Instruct',
        completionModel: 'meta-llama/Llama-3.2-3B-Instruct',
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
