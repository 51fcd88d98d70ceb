
import { describeInferenceProviderConformance } from '@stack/inference-api/testing';
import { startFakeOpenAIServer, sendVendorJson, startVendorFrontServer } from '@stack/openai-compatible/testing';
import servingEndpoints from './__fixtures__/databricks-serving-endpoints.json' with { type: 'json' };
import { providerSpec } from './index.js';
import { providerTestDependencies } from '@stack/core/testing';

const deps = providerTestDependencies('databricks');
const token = 'dapi-conformance0123456789';

describeInferenceProviderConformance({
  name: 'remote::databricks',
  setup: async () => {
    const server = await startFakeOpenAIServer({
      flavor: 'openai',
      apiKey: token,
      models: [
        { id: 'databricks-meta-llama-3-3-70b-instruct' },
        { id: 'databricks-gte-large-en', type: 'embedding', embeddingDimension: 1024 },
        { id: 'team-e5-embeddings', type: 'embedding', embeddingDimension: 384 },
      ],
      // 40 chunks 50 ms apart: a stream outlasts the abort check's one second.
      streamChunks: 40,
      chunkDelayMs: 50,
    });
    const front = await startVendorFrontServer({
      upstreamURL: server.url,
      handle: (request, response) => {
        if (request.path !== '/api/2.0/serving-endpoints') return false;
        sendVendorJson(response, 200, servingEndpoints);
        return true;
      },
      forwardPath: (path) => (path.startsWith('/serving-endpoints/') ? `/v1/${path.slice('/serving-endpoints/'.length)}` : undefined),
    });
    const close = async () => {
      await front.close();
      await server.close();
    };
    try {
      const provider = await providerSpec.create(providerSpec.configSchema.parse({ url: front.url, api_token: token }), deps);
      return {
        provider,
        chatModel: 'databricks-meta-llama-3-3-70b-instruct',
        completionModel: 'databricks-meta-llama-3-3-70b-instruct',
        embeddingModel: 'databricks-gte-large-en',
        embeddingDimension: 1024,
        close,
      };
    } catch (error) {
      await close();
      throw error;
    }
  },
});
