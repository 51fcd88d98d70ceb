import { InvalidRequestError, type RequestContext } from '@stack/core';
import { chunkText, DocumentExtractionError, extractText, TOKENIZER_NAME } from '@stack/document-processing';
import { contentItemSchema, urlSchema, type ToolInvocationResult } from '@stack/tool-runtime-api';
import { MAX_CHUNK_SIZE_TOKENS, type Chunk, type VectorIoApi } from '@stack/vector-io-api';
import { z } from 'zod';
import { idList, numericString, parseArguments } from './arguments.js';
import { loadDocumentContent, type DocumentContent } from './document-source.js';
import type { RagToolRuntimeConfig } from './rag-config.js';

export const INSERT_INTO_MEMORY = 'insert_into_memory';

const documentSchema = z.object({
  document_id: z.string().trim().min(1, 'must be a non-empty string'),
  content: z.union([z.string(), urlSchema, contentItemSchema, z.array(contentItemSchema)], {
    error: 'must be text, an http(s) or data: URL, {uri}, or text content items',
  }),
  mime_type: z.string().trim().min(1).nullish(),
  metadata: z.record(z.string(), z.unknown()).nullish(),
});
type RagDocument = z.output<typeof documentSchema>;

const insertArgumentsSchema = z.looseObject({
  documents: z.array(documentSchema, { error: 'must be a list of documents' }).min(1, 'must hold at least one document'),
  vector_store_id: z.string().trim().min(1).optional(),
  vector_db_id: z.string().trim().min(1).optional(),
  chunk_size_in_tokens: z.preprocess(numericString, z.number().int().min(1).max(MAX_CHUNK_SIZE_TOKENS)).optional(),
});

export interface InsertSettings {
  config: RagToolRuntimeConfig;
  vectorIo: Pick<VectorIoApi, 'insertChunks'>;
  fetch: typeof fetch;
  fetchTimeoutMs: number;
  maxDocumentBytes: number;
}

interface PreparedDocument {
  documentId: string;
  chunks: Chunk[];
}

/**
 * `insert_into_memory`: reads each document (inline text, an http(s) URL, a `data:` URL or
 * content items), extracts its text by media type and file name, splits it into token windows
 * and inserts them as chunks `${document_id}:${index}`, so inserting a document again replaces
 * its chunks. The vector store embeds them. Every document is read before anything is inserted,
 * and all chunks go in one insert.
 */
export async function insertIntoMemory(
  kwargs: Record<string, unknown>,
  groupArgs: Record<string, unknown> | undefined,
  settings: InsertSettings,
  context: RequestContext,
): Promise<ToolInvocationResult> {
  const args = parseArguments(insertArgumentsSchema, kwargs, INSERT_INTO_MEMORY);
  const vectorStoreId = args.vector_store_id ?? args.vector_db_id ?? soleGroupStore(groupArgs);
  if (vectorStoreId === undefined) {
    throw new InvalidRequestError(`${INSERT_INTO_MEMORY}: kwargs.vector_store_id is required: name the vector store to insert into.`, {
      param: 'kwargs.vector_store_id',
    });
  }
  const seen = new Map<string, number>();
  args.documents.forEach((document, index) => {
    const earlier = seen.get(document.document_id);
    if (earlier !== undefined) {
      throw new InvalidRequestError(
        `${INSERT_INTO_MEMORY}: kwargs.documents[${index}].document_id '${document.document_id}' repeats documents[${earlier}]; document ids must be unique.`,
        { param: `kwargs.documents[${index}].document_id` },
      );
    }
    seen.set(document.document_id, index);
  });

  const chunkSize = args.chunk_size_in_tokens ?? settings.config.chunk_size_in_tokens;
  const overlap = Math.min(settings.config.chunk_overlap_in_tokens, Math.floor(chunkSize / 2));
  const prepared: PreparedDocument[] = [];
  for (const [index, document] of args.documents.entries()) {
    prepared.push(await prepareDocument(document, `kwargs.documents[${index}]`, { chunkSize, overlap }, settings, context));
  }
  await settings.vectorIo.insertChunks({ vector_store_id: vectorStoreId, chunks: prepared.flatMap((document) => document.chunks) }, context);

  const documentIds = prepared.map((document) => document.documentId);
  const chunkCounts = prepared.map((document) => document.chunks.length);
  const total = chunkCounts.reduce((sum, count) => sum + count, 0);
  const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
  const listing = prepared.map((document) => `${document.documentId} (${plural(document.chunks.length, 'chunk')})`).join(', ');
  return {
    content: `Inserted ${plural(prepared.length, 'document')} as ${plural(total, 'chunk')} into vector store ${vectorStoreId}: ${listing}.`,
    metadata: { vector_store_id: vectorStoreId, document_ids: documentIds, chunk_counts: chunkCounts },
  };
}

/** The tool group's one default vector store, if it names exactly one. */
function soleGroupStore(groupArgs: Record<string, unknown> | undefined): string | undefined {
  const ids = idList(groupArgs?.vector_store_ids) ?? idList(groupArgs?.vector_db_ids);
  return ids?.length === 1 ? ids[0] : undefined;
}

async function prepareDocument(
  document: RagDocument,
  param: string,
  chunking: { chunkSize: number; overlap: number },
  settings: InsertSettings,
  context: RequestContext,
): Promise<PreparedDocument> {
  const documentId = document.document_id;
  const metadata = document.metadata ?? {};
  const mimeType = document.mime_type ?? undefined;
  const loaded = await loadDocumentContent(document.content as DocumentContent, `${param}.content`, {
    fetch: settings.fetch,
    timeoutMs: settings.fetchTimeoutMs,
    maxBytes: settings.maxDocumentBytes,
    signal: context.signal,
  });
  const givenFilename = typeof metadata.filename === 'string' && metadata.filename.trim() !== '' ? metadata.filename : undefined;
  // Inline text is what the caller wrote: its type is the declared mime_type or plain text, whatever a file name says.
  const input = loaded.inline
    ? { data: loaded.data, filename: 'document.txt', contentType: mimeType ?? 'text/plain' }
    : { data: loaded.data, filename: givenFilename ?? loaded.urlFilename ?? documentId, contentType: mimeType ?? loaded.contentType };

  let text: string;
  try {
    text = (await extractText(input)).text;
  } catch (error) {
    if (DocumentExtractionError.isInstance(error)) {
      throw new InvalidRequestError(`${INSERT_INTO_MEMORY}: ${param} (document '${documentId}'): ${error.message}`, { param: `${param}.content`, cause: error });
    }
    throw error;
  }
  const windows = chunkText(text, { maxChunkSizeTokens: chunking.chunkSize, chunkOverlapTokens: chunking.overlap }).filter(
    (window) => window.text.trim() !== '',
  );
  if (windows.length === 0) {
    throw new InvalidRequestError(`${INSERT_INTO_MEMORY}: ${param} (document '${documentId}') has no text to insert.`, { param: `${param}.content` });
  }

  const derivedFilename = givenFilename === undefined && loaded.urlFilename !== undefined ? { filename: loaded.urlFilename } : {};
  const chunks = windows.map((window, position): Chunk => {
    const chunkId = `${documentId}:${position}`;
    return {
      chunk_id: chunkId,
      content: window.text,
      metadata: { ...metadata, ...derivedFilename, document_id: documentId, chunk_index: position },
      chunk_metadata: {
        document_id: documentId,
        chunk_id: chunkId,
        content_token_count: window.tokenCount,
        chunk_tokenizer: TOKENIZER_NAME,
        ...(loaded.source !== undefined ? { source: loaded.source } : {}),
      },
    };
  });
  return { documentId, chunks };
}
