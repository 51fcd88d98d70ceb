import { defineProvider } from '@stack/core';
import type { ToolRuntimeProvider } from '@stack/tool-runtime-api';
import type { VectorIoApi } from '@stack/vector-io-api';
import { ragToolRuntimeConfigSchema } from './rag-config.js';
import { createRagToolRuntime } from './rag-tool-runtime.js';

export const providerSpec = defineProvider({
  api: 'tool_runtime',
  providerType: 'inline::rag-runtime',
  description: 'The builtin::rag tool group: knowledge_search and insert_into_memory over the stack\'s vector stores.',
  configSchema: ragToolRuntimeConfigSchema,
  apiDependencies: ['vector_io'],
  create(config, deps): ToolRuntimeProvider {
    return createRagToolRuntime(config, { vectorIo: deps.api<VectorIoApi>('vector_io'), logger: deps.logger.child(deps.providerId) });
  },
});

export { MAX_SEARCH_CHUNKS, ragToolRuntimeConfigSchema, type RagToolRuntimeConfig } from './rag-config.js';
export {
  createRagToolRuntime,
  DEFAULT_FETCH_TIMEOUT_MS,
  DEFAULT_MAX_DOCUMENT_BYTES,
  type RagToolRuntimeOptions,
} from './rag-tool-runtime.js';
export { KNOWLEDGE_SEARCH, type KnowledgeSearchCitation } from './knowledge-search.js';
export { INSERT_INTO_MEMORY } from './insert-into-memory.js';
export { ragToolDefs } from './tool-defs.js';
export { decodeDataUrl } from './document-source.js';
