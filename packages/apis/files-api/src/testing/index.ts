export {
  describeFilesProviderConformance,
  type FilesConformanceContext,
  type FilesConformanceOptions,
} from './files-conformance.js';
export {
  filesConformanceChecks,
  removeAllFiles,
  type ConformanceFilesProvider,
  type FilesCheck,
  type FilesCheckEnvironment,
} from './files-checks.js';
export { createTestClock, type TestClock } from './test-clock.js';
export {
  chunksOf,
  failingUpload,
  neverSettles,
  patternBytes,
  stalledUpload,
  uploadOf,
  uploadWithLateFields,
} from './upload-streams.js';
