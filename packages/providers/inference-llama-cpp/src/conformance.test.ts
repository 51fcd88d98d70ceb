
import { describeInferenceProviderConformance } from '@stack/inference-api/testing';
import { tinyEmbeddingDimension, writeTinyModel } from './__fixtures__/tiny-gguf.js';
import { providerSpec } from './index.js';
import { providerTestDependencies } from '@stack/core/testing';

const deps = providerTestDependencies('llama-cpp');

describeInferenceProviderConformance({
  name: 'inline::llama-cpp',
  setup: async () => {
    const tiny = await writeTinyModel();
    try {
      const config = providerSpec.configSchema.parse({
        models: [
          { model_id: 'tiny-chat', path: tiny.path },
          { model_id: 'tiny-embed', path: tiny.path, model_type: 'embedding' },
        ],
      });
      const provider = await providerSpec.create(config, deps);
      return {
        provider,
        chatModel: 'tiny-chat',
        completionModel: 'tiny-chat',
        embeddingModel: 'tiny-embed',
        embeddingDimension: tinyEmbeddingDimension,
        close: async () => tiny.remove(),
      };
    } catch (error) {
      tiny.remove();
      throw error;
    }
  },
});
