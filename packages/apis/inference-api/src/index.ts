export * from './schemas/index.js';
export type { DiscoveredModel, InferenceApi, InferenceProvider, ModelType } from './inference-api.js';
export { inferenceRoutes } from './routes.js';
