export * from './schemas.js';
export * from './files-api.js';
export * from './routes.js';
