export * from './schemas.js';
export * from './tool-runtime-api.js';
export * from './routes.js';
