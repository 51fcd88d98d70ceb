
import { describeInferenceProviderConformance } from '@stack/inference-api/testing';
import { startFakeOpenAIServer, startVendorFront } from '@stack/openai-compatible/testing';
import { providerSpec } from './index.js';
import { providerTestDependencies } from '@stack/core/testing';

const deps = providerTestDependencies('llama-openai-compat');

// Llama API offers chat only, so the suite runs without completion and embedding models.
describeInferenceProviderConformance({
  name: 'remote::llama-openai-compat',
  setup: async () => {
    // 40 chunks 50 ms apart: a stream outlasts the abort check's one second, so ignoring an abort shows.
    const server = await startFakeOpenAIServer({
      flavor: 'openai',
      apiKey: 'LLM|conformance',
      streamChunks: 40,
      chunkDelayMs: 50,
      models: [{ id: 'Llama-3.3-70B-Instruct', ownedBy: 'Meta' }],
    });
    const front = await startVendorFront(server.url, (request) => ({ forward: `/v1/${request.url.slice('/compat/v1/'.length)}` }));
    const close = async () => {
      await front.close();
      await server.close();
    };
    try {
      const config = providerSpec.configSchema.parse({ openai_compat_api_base: `${front.url}/compat/v1/`, api_key: 'LLM|conformance' });
      return { provider: await providerSpec.create(config, deps), chatModel: 'Llama-3.3-70B-Instruct', close };
    } catch (error) {
      await close();
      throw error;
    }
  },
});
