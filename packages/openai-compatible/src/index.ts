export {
  classifyOpenAIModel,
  createOpenAICompatibleProvider,
  type OpenAICompatibleProvider,
} from './openai-compatible-provider.js';
export type {
  EmbeddingModelInfo,
  OpenAICompatibleSettings,
  OpenAICompatibleUpstream,
  UpstreamModel,
  UpstreamOperation,
  UpstreamRequestOptions,
} from './openai-compatible-settings.js';
export { mapUpstreamError, redactURL, type UpstreamTarget } from './upstream-errors.js';
export { createUpstreamFetch, expandHome, type FetchFunction, type UpstreamFetch, type UpstreamFetchOptions } from './upstream-fetch.js';
export {
  configBoolean,
  configInteger,
  configString,
  configStringWithDefault,
  configTlsVerify,
} from './config-values.js';
export { fillMissingIds } from './fill-missing-ids.js';
