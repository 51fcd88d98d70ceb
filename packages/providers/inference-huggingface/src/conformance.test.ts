import { describeInferenceProviderConformance } from '@stack/inference-api/testing';
import { hfEndpointConfigSchema, hfServerlessConfigSchema } from './huggingface-config.js';
import { createHFEndpointInferenceProvider, createHFServerlessInferenceProvider } from './huggingface-provider.js';
import { hubToken, servedRepository, startHuggingFaceFake } from './testing/hugging-face-fake.js';

// 40 chunks 50 ms apart: a stream outlasts the abort check's one second, so ignoring an abort shows.
const slowStreams = { server: { streamChunks: 40, chunkDelayMs: 50 } };

// The router offers chat only; endpoints add text completions. Neither embeds.
describeInferenceProviderConformance({
  name: 'remote::hf::serverless',
  setup: async () => {
    const fake = await startHuggingFaceFake(slowStreams);
    const config = hfServerlessConfigSchema.parse({ huggingface_repo: servedRepository, api_token: hubToken });
    return { provider: createHFServerlessInferenceProvider(config, { urls: fake.urls }), chatModel: servedRepository, close: fake.close };
  },
});

describeInferenceProviderConformance({
  name: 'remote::hf::endpoint',
  setup: async () => {
    const fake = await startHuggingFaceFake(slowStreams);
    const config = hfEndpointConfigSchema.parse({ endpoint_name: 'acme-user/llama-3-1-8b-instruct-xgv', api_token: hubToken });
    return {
      provider: createHFEndpointInferenceProvider(config, { urls: fake.urls }),
      chatModel: servedRepository,
      completionModel: servedRepository,
      close: fake.close,
    };
  },
});
