import { defineProvider } from '@stack/core';
import { createVectorStoreProvider } from '@stack/vector-stores';
import { DEFAULT_FAISS_PERSISTENCE, faissConfigSchema } from './config.js';
import { createFaissBackend } from './faiss-backend.js';

/**
 * `inline::faiss`: OpenAI-compatible vector stores searched in process, with an exact flat
 * index or an HNSW graph per store, BM25 keyword search and hybrid fusion, persisted through
 * the stack's key-value store.
 */
export const providerSpec = defineProvider({
  api: 'vector_io',
  providerType: 'inline::faiss',
  description: 'In-process vector stores (exact flat or HNSW index, BM25 keyword search), persisted through the key-value store.',
  configSchema: faissConfigSchema,
  apiDependencies: ['inference'],
  optionalApiDependencies: ['files'],
  async create(config, deps) {
    const kv = await deps.storage.kv(config.persistence ?? DEFAULT_FAISS_PERSISTENCE);
    const logger = deps.logger;
    const backend = await createFaissBackend({
      kv,
      indexType: config.index_type,
      autoThreshold: config.auto_threshold,
      hnsw: { m: config.hnsw.m, efConstruction: config.hnsw.ef_construction, efSearch: config.hnsw.ef_search },
      logger,
    });
    return createVectorStoreProvider({
      providerId: deps.providerId,
      backend,
      kv,
      inference: deps.api('inference'),
      files: deps.optionalApi('files'),
      logger,
      maxConcurrentFiles: config.max_concurrent_files,
      embeddingBatchSize: config.embedding_batch_size,
      ...(config.rewrite_query_model === undefined ? {} : { rewriteQueryModel: config.rewrite_query_model }),
    });
  },
});

export { DEFAULT_FAISS_PERSISTENCE, faissConfigSchema, faissHnswConfigSchema, type FaissConfig } from './config.js';
export { createFaissBackend, DEFAULT_AUTO_THRESHOLD, type FaissBackendOptions, type FaissIndexType } from './faiss-backend.js';
export { FlatIndex } from './flat-index.js';
export { HnswIndex, type HnswOptions, type HnswSnapshot } from './hnsw-index.js';
export { KeywordIndex, BM25_B, BM25_K1 } from './keyword-index.js';
export { measureRecall, recallAt } from './recall.js';
export type { AcceptId, VectorIndex, VectorSearchResult } from './vector-index.js';
