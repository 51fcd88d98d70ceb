import { defineProvider } from '@stack/core';
import { createVectorStoreProvider, vectorStoreSettings, type VectorStoreProvider, type VectorStoreProviderOptions } from '@stack/vector-stores';
import { createPgvectorBackend } from './backend.js';
import { DEFAULT_PERSISTENCE, pgvectorConfigSchema } from './config.js';

/** The `remote::pgvector` vector-io provider: vector stores whose chunks live in PostgreSQL with pgvector. */
export const providerSpec = defineProvider({
  api: 'vector_io',
  providerType: 'remote::pgvector',
  description: 'Vector stores on PostgreSQL with pgvector: HNSW or IVFFlat cosine search, full-text keyword search and hybrid search.',
  configSchema: pgvectorConfigSchema,
  apiDependencies: ['inference'],
  optionalApiDependencies: ['files'],
  async create(config, deps): Promise<VectorStoreProvider> {
    const logger = deps.logger;
    const backend = await createPgvectorBackend(config, { logger });
    try {
      const kv = await deps.storage.kv(config.persistence ?? DEFAULT_PERSISTENCE);
      return await createVectorStoreProvider({
        providerId: deps.providerId,
        backend,
        kv,
        inference: deps.api<VectorStoreProviderOptions['inference']>('inference'),
        files: deps.optionalApi<NonNullable<VectorStoreProviderOptions['files']>>('files'),
        logger,
        ...vectorStoreSettings(config),
      });
    } catch (error) {
      await backend.close().catch(() => undefined);
      throw error;
    }
  },
});
