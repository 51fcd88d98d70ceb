import { InvalidRequestError, type RequestContext } from '@stack/core';
import { chunkText, countTokens } from '@stack/document-processing';
import { contentItemSchema, type ContentItem, type ToolInvocationResult } from '@stack/tool-runtime-api';
import { searchModeSchema, type VectorIoApi, type VectorStoreSearchResult } from '@stack/vector-io-api';
import { z } from 'zod';
import { idList, numericString, parseArguments } from './arguments.js';
import { MAX_SEARCH_CHUNKS, type RagToolRuntimeConfig } from './rag-config.js';

export const KNOWLEDGE_SEARCH = 'knowledge_search';

const storeIdsSchema = z.union([z.string(), z.array(z.string())], { error: 'must be a vector store id or a list of them' });

const searchArgumentsSchema = z.looseObject({
  query: z.union([z.string(), contentItemSchema, z.array(contentItemSchema)], { error: 'must be text' }).optional(),
  vector_store_ids: storeIdsSchema.optional(),
  vector_db_ids: storeIdsSchema.optional(),
  max_chunks: z.preprocess(numericString, z.number().int().min(1).max(MAX_SEARCH_CHUNKS)).optional(),
  mode: searchModeSchema.optional(),
  score_threshold: z.preprocess(numericString, z.number().min(0)).optional(),
});

/** One source cited in a knowledge-search answer; `index` is the number shown as `[index]`. */
export interface KnowledgeSearchCitation {
  index: number;
  file_id: string;
  filename: string;
  document_id: string;
  vector_store_id: string;
  score: number;
}

export interface SearchSettings {
  config: RagToolRuntimeConfig;
  vectorIo: Pick<VectorIoApi, 'searchVectorStore'>;
}

interface Hit {
  storeId: string;
  result: VectorStoreSearchResult;
  order: number;
}

/** The vector stores a call names, else those of its tool group (`args.vector_store_ids` / `args.vector_db_ids`). */
export function searchedStores(kwargs: { vector_store_ids?: unknown; vector_db_ids?: unknown }, groupArgs: Record<string, unknown> | undefined): string[] | undefined {
  return idList(kwargs.vector_store_ids) ?? idList(kwargs.vector_db_ids) ?? idList(groupArgs?.vector_store_ids) ?? idList(groupArgs?.vector_db_ids);
}

/**
 * `knowledge_search`: searches every vector store at once, merges the hits by score and keeps the
 * best ones within `max_chunks` and the `max_tokens_in_context` token budget. The answer is a list
 * of text items: a header, one numbered item per result (source, score, text) and a closing
 * request to cite results by number. Finding nothing is an answer, not an error.
 */
export async function knowledgeSearch(
  kwargs: Record<string, unknown>,
  groupArgs: Record<string, unknown> | undefined,
  settings: SearchSettings,
  context: RequestContext,
): Promise<ToolInvocationResult> {
  const args = parseArguments(searchArgumentsSchema, kwargs, KNOWLEDGE_SEARCH);
  const query = queryText(args.query);
  if (query === '') {
    throw new InvalidRequestError(`${KNOWLEDGE_SEARCH}: kwargs.query is required: say what to search for.`, { param: 'kwargs.query' });
  }
  const stores = searchedStores(args, groupArgs);
  if (stores === undefined) {
    throw new InvalidRequestError(
      `${KNOWLEDGE_SEARCH}: no vector store to search: pass kwargs.vector_store_ids or register the tool group with args.vector_store_ids.`,
      { param: 'kwargs.vector_store_ids' },
    );
  }
  const maxChunks = args.max_chunks ?? settings.config.max_chunks;
  const perStore = await Promise.all(
    stores.map(async (storeId) => {
      const response = await settings.vectorIo.searchVectorStore(
        storeId,
        {
          query,
          max_num_results: maxChunks,
          search_mode: args.mode ?? 'vector',
          ...(args.score_threshold !== undefined ? { ranking_options: { score_threshold: args.score_threshold } } : {}),
        },
        context,
      );
      return response.data.map((result) => ({ storeId, result }));
    }),
  );
  const ranked: Hit[] = perStore
    .flat()
    .map((hit, order) => ({ ...hit, order }))
    .sort((a, b) => b.result.score - a.result.score || a.order - b.order)
    .slice(0, maxChunks);
  const kept = withinBudget(ranked, settings.config.max_tokens_in_context);

  const storeList = stores.join(', ');
  if (kept.length === 0) {
    return {
      content: [{ type: 'text', text: `No relevant information was found for "${query}" in vector store${stores.length === 1 ? '' : 's'} ${storeList}.` }],
      metadata: { document_ids: [], chunks: [], scores: [], citations: [], vector_store_ids: stores },
    };
  }

  const citations: KnowledgeSearchCitation[] = kept.map(({ hit }, position) => ({
    index: position + 1,
    file_id: hit.result.file_id,
    filename: hit.result.filename,
    document_id: documentIdOf(hit.result),
    vector_store_id: hit.storeId,
    score: hit.result.score,
  }));
  const items: ContentItem[] = [
    { type: 'text', text: `Found ${kept.length} result${kept.length === 1 ? '' : 's'} for "${query}" (searched ${storeList}):` },
    ...kept.map(({ text }, position): ContentItem => ({ type: 'text', text: `${resultHeading(citations[position]!)}\n${text}\n` })),
    {
      type: 'text',
      text:
        'Answer with what these results support. When you use a result, cite it by its number in square brackets, ' +
        'e.g. [1] or [2][3], right after the statement it supports. If the results do not answer the question, say so.',
    },
  ];
  return {
    content: items,
    metadata: {
      document_ids: citations.map((citation) => citation.document_id),
      chunks: kept.map(({ text }) => text),
      scores: citations.map((citation) => citation.score),
      citations,
      vector_store_ids: stores,
    },
  };
}

function queryText(query: string | ContentItem | ContentItem[] | undefined): string {
  if (query === undefined) return '';
  if (typeof query === 'string') return query.trim();
  const items = Array.isArray(query) ? query : [query];
  return items
    .flatMap((item) => (item.type === 'text' ? [item.text] : []))
    .join(' ')
    .trim();
}

function documentIdOf(result: VectorStoreSearchResult): string {
  const documentId = result.attributes.document_id;
  return typeof documentId === 'string' && documentId !== '' ? documentId : result.file_id;
}

function resultHeading(citation: KnowledgeSearchCitation): string {
  const name = citation.filename || citation.document_id || citation.file_id;
  const details = [
    ...(name !== citation.document_id && citation.document_id !== '' ? [`document ${citation.document_id}`] : []),
    `vector store ${citation.vector_store_id}`,
    `score ${Number(citation.score.toFixed(4))}`,
  ];
  return `[${citation.index}] ${name} (${details.join(', ')})`;
}

/**
 * The hits, best first, whose texts fit in `budget` tokens together. The first hit that does not
 * fit ends the list, except that a lone first hit larger than the budget is cut to fit.
 */
function withinBudget(hits: readonly Hit[], budget: number): Array<{ hit: Hit; text: string }> {
  const kept: Array<{ hit: Hit; text: string }> = [];
  let used = 0;
  for (const hit of hits) {
    const text = hit.result.content.map((item) => item.text).join('\n');
    const tokens = countTokens(text);
    if (used + tokens <= budget) {
      kept.push({ hit, text });
      used += tokens;
      continue;
    }
    if (kept.length === 0) {
      const cut = chunkText(text, { maxChunkSizeTokens: budget, chunkOverlapTokens: 0 })[0];
      if (cut !== undefined) kept.push({ hit, text: cut.text });
    }
    break;
  }
  return kept;
}
