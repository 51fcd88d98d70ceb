export {
  startFakeOpenAIServer,
  type FakeFailure,
  type FakeModel,
  type FakeOpenAIServer,
  type FakeOpenAIServerOptions,
  type FakeServerFlavor,
  type FakeStreamStats,
  type RecordedRequest,
} from './fake-openai-server.js';
export { decodeEmbeddingBase64, embeddingFor, replyFor } from './fake-generation.js';
export { unusedPort } from './unused-port.js';
export {
  sendVendorJson,
  startVendorFrontServer,
  type VendorFrontOptions,
  type VendorFrontRequest,
  type VendorFrontServer,
} from './vendor-front-server.js';
export { startVendorFront, type FrontDecision, type FrontRequest, type VendorFront } from './routed-vendor-front.js';
