
import { describeInferenceProviderConformance } from '@stack/inference-api/testing';
import { providerSpec } from './index.js';
import { azureKey, startAzureFake } from './testing/azure-fake.js';
import { providerTestDependencies } from '@stack/core/testing';

const deps = providerTestDependencies('azure');

for (const apiVersion of ['', '2024-10-21']) {
  describeInferenceProviderConformance({
    name: `remote::azure (${apiVersion ? `api-version ${apiVersion}` : 'v1 API'})`,
    setup: async () => {
      // 40 chunks 50 ms apart: a stream outlasts the abort check's one second, so ignoring an abort shows.
      const fake = await startAzureFake({ streamChunks: 40, chunkDelayMs: 50 });
      try {
        const config = providerSpec.configSchema.parse({ api_key: azureKey, api_base: fake.front.url, api_version: apiVersion });
        return {
          provider: await providerSpec.create(config, deps),
          chatModel: 'gpt-4o-mini',
          completionModel: 'gpt-35-turbo-instruct-0914',
          embeddingModel: 'text-embedding-3-small',
          embeddingDimension: 1536,
          close: fake.close,
        };
      } catch (error) {
        await fake.close();
        throw error;
      }
    },
  });
}
