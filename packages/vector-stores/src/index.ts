export { vectorStoreConfigSchema, vectorStoreConfigShape, vectorStoreSettings, type VectorStoreConfig } from './config.js';
export { createVectorStoreProvider, type VectorStoreProvider, type VectorStoreProviderOptions } from './provider.js';
export { createMemoryIndexBackend } from './memory-backend.js';
export { ruleBasedRewrite } from './query-rewrite.js';
export { fileChunkId } from './ingestion.js';
