export * from './schemas.js';
export type { ModelsApi } from './models-api.js';
export { modelsRoutes } from './routes.js';
