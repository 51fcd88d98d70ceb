export {
  describeInferenceProviderConformance,
  type InferenceConformanceFixture,
  type InferenceConformanceOptions,
} from './inference-conformance.js';
