import { createHash } from 'node:crypto';
import { createRequestContext, RateLimitError, readAllBytes, StackError, type Logger, type Principal, type RequestContext, type KeyedMutex } from '@stack/core';
import { chunkText, DocumentExtractionError, extractText, TOKENIZER_NAME, type TextChunk } from '@stack/document-processing';
import type { FilesApi } from '@stack/files-api';
import type { IndexedChunk, VectorIndexBackend, VectorStoreFileLastError } from '@stack/vector-io-api';
import { untilAborted, type Embedder } from './embedder.js';
import type { StoredVectorStore, StoredVectorStoreFile, VectorStoreRecords } from './records.js';

/** One file to ingest. `user` is the caller who attached it (kept in memory only), for the files API. */
export interface IngestionJob {
  storeId: string;
  fileId: string;
  user?: Principal | undefined;
}

/** What the ingestion pipeline works with. */
export interface IngestionDeps {
  backend: VectorIndexBackend;
  records: VectorStoreRecords;
  files: FilesApi | undefined;
  embedder: Embedder;
  embeddingBatchSize: number;
  locks: KeyedMutex;
  logger: Logger;
  clock: () => number;
}

/** A failure with the `last_error` code it is reported under. */
export class IngestionFailure extends Error {
  constructor(
    readonly code: VectorStoreFileLastError['code'],
    message: string,
  ) {
    super(message);
  }
}

export const fileLockKey = (storeId: string, fileId: string) => `file\0${storeId}\0${fileId}`;
export const jobKey = (storeId: string, fileId: string) => `${storeId}\0${fileId}`;

/**
 * The id of a file's chunk: a UUID-shaped hash of the file id and the chunk's index, the same on
 * every run, so re-ingesting a file replaces its chunks instead of adding copies.
 */
export function fileChunkId(fileId: string, index: number): string {
  const hex = createHash('sha256').update(`${fileId}:${index}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** The `last_error` reported for an ingestion failure. */
export function lastErrorOf(error: unknown): VectorStoreFileLastError {
  if (error instanceof IngestionFailure) return { code: error.code, message: error.message };
  if (DocumentExtractionError.isInstance(error)) {
    return { code: error.code === 'unsupported_format' ? 'unsupported_file' : 'invalid_file', message: error.message };
  }
  if (RateLimitError.isInstance(error)) return { code: 'rate_limit_exceeded', message: error.message };
  if (StackError.isInstance(error)) return { code: 'server_error', message: error.message };
  return { code: 'server_error', message: 'An internal error occurred while indexing the file.' };
}

interface Indexed {
  usageBytes: number;
  chunkCount: number;
}

/**
 * Ingests one attached file: clears whatever an earlier, interrupted run indexed, reads the file,
 * extracts and chunks its text, embeds the chunks in batches and upserts them, then records the
 * outcome (`completed` or `failed` with `last_error`). Aborting `signal` (cancel, delete,
 * shutdown) stops it without touching the record: whoever aborted owns the record from then on.
 * A file whose record is gone or no longer `in_progress` is skipped.
 */
export async function ingestFile(deps: IngestionDeps, job: IngestionJob, signal: AbortSignal): Promise<void> {
  const { records, backend, locks } = deps;
  const file = await records.getFile(job.storeId, job.fileId);
  if (!file || file.status !== 'in_progress') return;
  const store = await records.getStore(job.storeId);
  if (!store) return;
  const context = createRequestContext({ signal, user: job.user });
  let outcome: ({ status: 'completed' } & Indexed) | { status: 'failed'; lastError: VectorStoreFileLastError };
  try {
    outcome = { status: 'completed', ...(await indexFile(deps, store, file, context)) };
  } catch (error) {
    if (signal.aborted) return;
    const lastError = lastErrorOf(error);
    deps.logger.warn('A vector store file failed to index.', {
      vector_store_id: store.id,
      file_id: file.id,
      code: lastError.code,
      error: error instanceof Error ? error.message : String(error),
    });
    outcome = { status: 'failed', lastError };
  }
  if (signal.aborted) return;
  await locks.run(fileLockKey(store.id, file.id), async () => {
    const current = await records.getFile(store.id, file.id);
    if (!current || current.status !== 'in_progress' || signal.aborted) return;
    if (outcome.status === 'completed') {
      // Attributes updated while the file was indexing reach the chunks upserted since.
      if (JSON.stringify(current.attributes) !== JSON.stringify(file.attributes)) {
        await backend.updateFileAttributes(store.id, file.id, current.attributes);
      }
      await records.putFile({ ...current, status: 'completed', last_error: null, usage_bytes: outcome.usageBytes, chunk_count: outcome.chunkCount });
    } else {
      await backend.deleteChunks(store.id, { fileId: file.id }).catch((error: unknown) => {
        deps.logger.warn('Could not remove the chunks of a failed file.', { file_id: file.id, error: (error as Error).message });
      });
      await records.putFile({ ...current, status: 'failed', last_error: outcome.lastError, usage_bytes: 0 });
    }
  });
}

async function indexFile(deps: IngestionDeps, store: StoredVectorStore, file: StoredVectorStoreFile, context: RequestContext): Promise<Indexed> {
  const { backend, files } = deps;
  const signal = context.signal;
  await backend.deleteChunks(store.id, { fileId: file.id });
  if (!files) throw new IngestionFailure('server_error', `File '${file.id}' cannot be read: this stack has no files API.`);
  const content = await untilAborted(files.retrieveFileContent(file.id, context), signal);
  const data = await untilAborted(readAllBytes(content.stream), signal);
  const filename = file.filename || content.filename || file.id;
  const { text } = await extractText({ data, filename, contentType: content.contentType });
  signal.throwIfAborted();
  if (text.trim() === '') throw new IngestionFailure('invalid_file', `File '${file.id}' (${filename}) contains no text to index.`);
  const settings = file.chunking_strategy.static;
  const chunks = chunkText(text, { maxChunkSizeTokens: settings.max_chunk_size_tokens, chunkOverlapTokens: settings.chunk_overlap_tokens }).filter(
    (chunk) => chunk.text.trim() !== '',
  );
  const createdTimestamp = deps.clock();
  for (let start = 0; start < chunks.length; start += deps.embeddingBatchSize) {
    const batch = chunks.slice(start, start + deps.embeddingBatchSize);
    const vectors = await deps.embedder.embed(
      store.embedding_model,
      batch.map((chunk) => chunk.text),
      { context, expectedDimension: store.embedding_dimension },
    );
    signal.throwIfAborted();
    await backend.upsertChunks(
      store.id,
      batch.map((chunk, offset) => fileChunk(store, file, filename, chunk, vectors[offset] as Float32Array, createdTimestamp)),
    );
  }
  return { usageBytes: Buffer.byteLength(text, 'utf8'), chunkCount: chunks.length };
}

function fileChunk(
  store: StoredVectorStore,
  file: StoredVectorStoreFile,
  filename: string,
  chunk: TextChunk,
  embedding: Float32Array,
  createdTimestamp: number,
): IndexedChunk {
  const chunkId = fileChunkId(file.id, chunk.index);
  return {
    chunkId,
    text: chunk.text,
    embedding,
    fileId: file.id,
    position: chunk.index,
    attributes: file.attributes,
    chunk: {
      chunk_id: chunkId,
      content: chunk.text,
      metadata: { ...file.attributes, file_id: file.id, filename, document_id: file.id, chunk_index: chunk.index },
      chunk_metadata: {
        chunk_id: chunkId,
        document_id: file.id,
        source: filename,
        created_timestamp: createdTimestamp,
        chunk_window: `${chunk.startToken}-${chunk.endToken}`,
        chunk_tokenizer: TOKENIZER_NAME,
        chunk_embedding_model: store.embedding_model,
        chunk_embedding_dimension: store.embedding_dimension,
        content_token_count: chunk.tokenCount,
      },
    },
  };
}
