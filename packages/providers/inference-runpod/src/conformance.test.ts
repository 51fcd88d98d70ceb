
import { describeInferenceProviderConformance } from '@stack/inference-api/testing';
import { startFakeOpenAIServer, startVendorFront } from '@stack/openai-compatible/testing';
import { providerSpec } from './index.js';
import { providerTestDependencies } from '@stack/core/testing';

const deps = providerTestDependencies('runpod');
const endpointPath = '/v2/vllm-conformance/openai/v1';

describeInferenceProviderConformance({
  name: 'remote::runpod',
  setup: async () => {
    // 40 chunks 50 ms apart: a stream outlasts the abort check's one second, so ignoring an abort shows.
    const server = await startFakeOpenAIServer({
      flavor: 'vllm',
      apiKey: 'rpa_conformance',
      streamChunks: 40,
      chunkDelayMs: 50,
      models: [
        { id: 'meta-llama/Llama-3.1-8B-Instruct', contextLength: 32768 },
        { id: 'intfloat/e5-mistral-7b-embed', type: 'embedding', embeddingDimension: 4096 },
      ],
    });
    const front = await startVendorFront(server.url, (request) => ({ forward: `/v1${request.url.slice(endpointPath.length)}` }));
    const close = async () => {
      await front.close();
      await server.close();
    };
    try {
      const config = providerSpec.configSchema.parse({ url: `${front.url}${endpointPath}`, api_token: 'rpa_conformance' });
      return {
        provider: await providerSpec.create(config, deps),
        chatModel: 'meta-llama/Llama-3.1-8B-Instruct',
        completionModel: 'meta-llama/Llama-3.1-8B-Instruct',
        embeddingModel: 'intfloat/e5-mistral-7b-embed',
        embeddingDimension: 4096,
        close,
      };
    } catch (error) {
      await close();
      throw error;
    }
  },
});
