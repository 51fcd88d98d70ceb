
import { describeInferenceProviderConformance } from '@stack/inference-api/testing';
import { startFakeOpenAIServer, startVendorFront } from '@stack/openai-compatible/testing';
import recordedInfo from './__fixtures__/tgi-info.json' with { type: 'json' };
import { providerSpec } from './index.js';
import { providerTestDependencies } from '@stack/core/testing';

const deps = providerTestDependencies('tgi');

// TGI does not embed, so the suite runs without an embedding model.
describeInferenceProviderConformance({
  name: 'remote::tgi',
  setup: async () => {
    // 40 chunks 50 ms apart: a stream outlasts the abort check's one second, so ignoring an abort shows.
    const server = await startFakeOpenAIServer({ flavor: 'vllm', streamChunks: 40, chunkDelayMs: 50, models: [{ id: recordedInfo.model_id, contextLength: 8192 }] });
    const front = await startVendorFront(server.url, (request) =>
      request.url === '/info' ? { respond: { status: 200, body: recordedInfo } } : { forward: request.url },
    );
    const close = async () => {
      await front.close();
      await server.close();
    };
    try {
      const provider = await providerSpec.create(providerSpec.configSchema.parse({ url: front.url }), deps);
      return { provider, chatModel: recordedInfo.model_id, completionModel: recordedInfo.model_id, close };
    } catch (error) {
      await close();
      throw error;
    }
  },
});
