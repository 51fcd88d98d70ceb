export * from './schemas.js';
export * from './vector-io-api.js';
export * from './backend.js';
export * from './search-helpers.js';
export * from './routes.js';
