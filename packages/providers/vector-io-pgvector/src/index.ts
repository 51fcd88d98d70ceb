export { providerSpec } from './provider.js';
export {
  createPgvectorBackend,
  IVFFLAT_ROWS_PER_LIST,
  MAX_INDEXED_DIMENSION,
  MAX_VECTOR_DIMENSION,
  pgvectorTableNames,
  type PgvectorBackendOptions,
  type PgvectorIndexBackend,
} from './backend.js';
export {
  DEFAULT_PERSISTENCE,
  distanceMetricSchema,
  pgvectorBackendConfigSchema,
  pgvectorConfigSchema,
  vectorIndexSchema,
  type PgvectorBackendConfig,
  type PgvectorConfig,
  type PgvectorIndexSettings,
} from './config.js';
export { DEFAULT_TABLE_PREFIX } from './identifiers.js';
export { filterToSql, SqlParameters } from './filter-sql.js';
export { TEXT_SEARCH_CONFIG } from './sql.js';
