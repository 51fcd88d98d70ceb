import { createRequestContext, InvalidRequestError, RequestTooLargeError, silentLogger, type Logger, type RequestContext } from '@stack/core';
import type { ToolGroup, ToolInvocationResult, ToolRuntimeProvider } from '@stack/tool-runtime-api';
import type { VectorIoApi } from '@stack/vector-io-api';
import { INSERT_INTO_MEMORY, insertIntoMemory } from './insert-into-memory.js';
import { KNOWLEDGE_SEARCH, knowledgeSearch } from './knowledge-search.js';
import type { RagToolRuntimeConfig } from './rag-config.js';
import { ragToolDefs } from './tool-defs.js';

/** Time allowed to download a document given by http(s) URL. */
export const DEFAULT_FETCH_TIMEOUT_MS = 30_000;
/** Largest document downloaded from a URL. */
export const DEFAULT_MAX_DOCUMENT_BYTES = 64 * 1024 * 1024;

export interface RagToolRuntimeOptions {
  /** The Vector IO API the tools search and insert through. */
  vectorIo: Pick<VectorIoApi, 'searchVectorStore' | 'insertChunks'>;
  logger?: Logger;
  /** Downloads documents given by URL (default: global `fetch`). */
  fetch?: typeof fetch;
  /** Default {@link DEFAULT_FETCH_TIMEOUT_MS}. */
  fetchTimeoutMs?: number;
  /** Default {@link DEFAULT_MAX_DOCUMENT_BYTES}. */
  maxDocumentBytes?: number;
}

/**
 * The `inline::rag-runtime` tool runtime: `knowledge_search` and `insert_into_memory` over the
 * Vector IO API. Bad arguments, unknown vector stores and unreadable documents come back as
 * `error_message` with `error_code` 400 (413 for an oversized download); an unknown tool name
 * throws `InvalidRequestError`; failures of the vector store's or a document server's own (an
 * embedding model down, a URL unreachable) throw.
 */
export function createRagToolRuntime(config: RagToolRuntimeConfig, options: RagToolRuntimeOptions): ToolRuntimeProvider {
  const logger = options.logger ?? silentLogger;
  const fetchTimeoutMs = options.fetchTimeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS;
  const maxDocumentBytes = options.maxDocumentBytes ?? DEFAULT_MAX_DOCUMENT_BYTES;
  const tools: Record<string, (kwargs: Record<string, unknown>, toolGroup: ToolGroup, context: RequestContext) => Promise<ToolInvocationResult>> = {
    [KNOWLEDGE_SEARCH]: (kwargs, toolGroup, context) => knowledgeSearch(kwargs, toolGroup.args, { config, vectorIo: options.vectorIo }, context),
    [INSERT_INTO_MEMORY]: (kwargs, toolGroup, context) =>
      insertIntoMemory(
        kwargs,
        toolGroup.args,
        { config, vectorIo: options.vectorIo, fetch: options.fetch ?? globalThis.fetch, fetchTimeoutMs, maxDocumentBytes },
        context,
      ),
  };

  return {
    async listRuntimeTools(toolGroup) {
      return ragToolDefs(toolGroup);
    },

    async invokeTool(toolGroup, request, context = createRequestContext()) {
      const tool = Object.hasOwn(tools, request.tool_name) ? tools[request.tool_name] : undefined;
      if (tool === undefined) {
        throw new InvalidRequestError(
          `Tool '${request.tool_name}' is not a tool of group '${toolGroup.identifier}'; its tools are ${Object.keys(tools).join(' and ')}.`,
          { param: 'tool_name', code: 'not_found' },
        );
      }
      try {
        return await tool(request.kwargs ?? {}, toolGroup, context);
      } catch (error) {
        if (InvalidRequestError.isInstance(error) || RequestTooLargeError.isInstance(error)) {
          logger.debug('Tool call refused.', { tool_name: request.tool_name, toolgroup_id: toolGroup.identifier, reason: error.message });
          return { content: null, error_message: error.message, error_code: RequestTooLargeError.isInstance(error) ? 413 : 400 };
        }
        throw error;
      }
    },
  };
}
