export {
  describeInferenceProviderConformance,
  type InferenceConformanceFixture,
  type InferenceConformanceOptions,
} from './inference-conformance.js';
export { collect } from './async-iteration.js';
export { cleanupAfterEach } from './cleanups.js';
