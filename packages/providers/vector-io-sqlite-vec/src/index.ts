export { providerSpec } from './provider.js';
export { DEFAULT_SQLITE_VEC_PERSISTENCE, sqliteVecConfigSchema, type SqliteVecConfig } from './config.js';
export { createSqliteVecBackend, EXACT_SCAN_FRACTION, KNN_MAX_K, type SqliteVecBackendOptions } from './sqlite-vec-backend.js';
export { compileAttributeFilter, registerFilterFunctions, UTF16_COMPARE_FUNCTION, type SqlFragment } from './filter-sql.js';
export { tablePrefixFor } from './tables.js';
