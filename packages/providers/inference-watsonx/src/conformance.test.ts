import { describeInferenceProviderConformance } from '@stack/inference-api/testing';
import { createWatsonxInferenceProvider, watsonxConfigSchema } from './index.js';
import { startFakeWatsonx } from './watsonx-fake-server.js';

const apiKey = 'ibmcloud-api-key-conformance-0123456789';

describeInferenceProviderConformance({
  name: 'remote::watsonx',
  setup: async () => {
    // 40 chunks 50 ms apart: a stream outlasts the abort check's one second, so ignoring an abort shows.
    const fake = await startFakeWatsonx(apiKey, { streamChunks: 40, chunkDelayMs: 50 });
    const provider = createWatsonxInferenceProvider(
      watsonxConfigSchema.parse({ base_url: fake.url, api_key: apiKey, project_id: '1461945d-7925-4b82-b90b-ecd907a98d77' }),
      { iamTokenURL: fake.iamTokenURL },
    );
    // watsonx.ai's OpenAI-compatible API has no text completions.
    return {
      provider,
      chatModel: 'meta-llama/llama-3-3-70b-instruct',
      embeddingModel: 'ibm/slate-125m-english-rtrvr-v2',
      embeddingDimension: 768,
      close: () => fake.close(),
    };
  },
});
