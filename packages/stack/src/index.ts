export {
  STACK_VERSION,
  createStack,
  createStackFromRunConfig,
  type ProviderSetup,
  type RouteBinding,
  type RunConfigStackOptions,
  type Stack,
  type StackOptions,
} from './create-stack.js';
export { InferenceRouter } from './inference-router.js';
export { ModelsService, type ModelResource } from './models-service.js';
export { redactSecrets } from './secrets.js';
export { FilesRouter } from './files-router.js';
export { VectorIoRouter, type VectorStoreResource, type VectorStoresSettings } from './vector-io-router.js';
export { ToolsRouter, type ToolGroupResource } from './tools-router.js';
