export { describeVectorIndexBackendConformance, type VectorIndexBackendConformanceOptions } from './backend-conformance.js';
