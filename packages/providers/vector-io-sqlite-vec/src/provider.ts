import { defineProvider } from '@stack/core';
import { createVectorStoreProvider, vectorStoreSettings } from '@stack/vector-stores';
import { sqliteVecConfigSchema } from './config.js';
import { createSqliteVecBackend } from './sqlite-vec-backend.js';

/**
 * `inline::sqlite-vec`: OpenAI-compatible vector stores in one SQLite file, with sqlite-vec (vec0,
 * cosine) for vector search, FTS5 (BM25) for keyword search and hybrid fusion; stores, files and
 * batches are kept in the stack's key-value store under `persistence`.
 */
export const providerSpec = defineProvider({
  api: 'vector_io',
  providerType: 'inline::sqlite-vec',
  description: 'Vector stores in a SQLite file: sqlite-vec (vec0) vector search, FTS5 keyword search, hybrid fusion.',
  configSchema: sqliteVecConfigSchema,
  apiDependencies: ['inference'],
  optionalApiDependencies: ['files'],
  async create(config, deps) {
    const kv = await deps.storage.kv(config.persistence);
    const backend = await createSqliteVecBackend({ dbPath: config.db_path });
    try {
      return await createVectorStoreProvider({
        providerId: deps.providerId,
        backend,
        kv,
        inference: deps.api('inference'),
        files: deps.optionalApi('files'),
        logger: deps.logger,
        ...vectorStoreSettings(config),
      });
    } catch (error) {
      await backend.close();
      throw error;
    }
  },
});
