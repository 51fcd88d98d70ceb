import type { ToolDef, ToolGroup } from '@stack/tool-runtime-api';
import { MAX_CHUNK_SIZE_TOKENS } from '@stack/vector-io-api';
import { INSERT_INTO_MEMORY } from './insert-into-memory.js';
import { KNOWLEDGE_SEARCH, searchedStores } from './knowledge-search.js';
import { MAX_SEARCH_CHUNKS } from './rag-config.js';

/** The tools of a `builtin::rag`-style group, with JSON-schema arguments. Group defaults are mentioned in the descriptions. */
export function ragToolDefs(toolGroup: ToolGroup): ToolDef[] {
  const defaults = searchedStores({}, toolGroup.args);
  const defaultsNote = defaults ? ` Defaults to ${defaults.join(', ')}.` : '';
  return [
    {
      toolgroup_id: toolGroup.identifier,
      name: KNOWLEDGE_SEARCH,
      description:
        'Search the knowledge base (vector stores) for passages relevant to a query. Returns numbered results with their sources; cite them by number.',
      input_schema: {
        type: 'object',
        properties: {
          query: { type: 'string', description: 'What to look for, in natural language.' },
          vector_store_ids: {
            type: 'array',
            items: { type: 'string' },
            description: `The vector stores to search.${defaultsNote}`,
          },
          max_chunks: { type: 'integer', minimum: 1, maximum: MAX_SEARCH_CHUNKS, description: 'The most results to return.' },
          mode: { type: 'string', enum: ['vector', 'keyword', 'hybrid'], description: 'How to match: by meaning (vector), by words (keyword) or both (hybrid).' },
          score_threshold: { type: 'number', minimum: 0, description: 'Leave out results scoring below this.' },
        },
        required: ['query'],
      },
    },
    {
      toolgroup_id: toolGroup.identifier,
      name: INSERT_INTO_MEMORY,
      description:
        'Add documents to a vector store so knowledge_search can find them. Each document is text, an http(s) URL or a data: URL; it is split into chunks and embedded. Inserting a document id again replaces its chunks.',
      input_schema: {
        type: 'object',
        properties: {
          documents: {
            type: 'array',
            minItems: 1,
            items: {
              type: 'object',
              properties: {
                document_id: { type: 'string', description: 'A stable id for the document.' },
                content: {
                  description: 'The text, an http(s) or data: URL, {uri}, or text content items.',
                  anyOf: [
                    { type: 'string' },
                    { type: 'object', properties: { uri: { type: 'string' } }, required: ['uri'] },
                    { type: 'object', properties: { type: { const: 'text' }, text: { type: 'string' } }, required: ['type', 'text'] },
                    {
                      type: 'array',
                      items: { type: 'object', properties: { type: { type: 'string' }, text: { type: 'string' } }, required: ['type'] },
                    },
                  ],
                },
                mime_type: { type: 'string', description: 'The media type, e.g. text/markdown or application/pdf.' },
                metadata: { type: 'object', description: 'Stored with every chunk of the document (e.g. filename).' },
              },
              required: ['document_id', 'content'],
            },
          },
          vector_store_id: { type: 'string', description: `The vector store to insert into.${defaults?.length === 1 ? defaultsNote : ''}` },
          chunk_size_in_tokens: { type: 'integer', minimum: 1, maximum: MAX_CHUNK_SIZE_TOKENS, description: 'Tokens per chunk.' },
        },
        required: defaults?.length === 1 ? ['documents'] : ['documents', 'vector_store_id'],
      },
    },
  ];
}
