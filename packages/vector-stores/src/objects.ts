import type { FileCounts, VectorStoreFileBatchObject, VectorStoreFileObject, VectorStoreObject } from '@stack/vector-io-api';
import type { StoredFileBatch, StoredVectorStore, StoredVectorStoreFile } from './records.js';

const DAY_SECONDS = 86_400;

/** When a store expires: `last_active_at` plus its `expires_after.days`, or never. */
export function expiresAt(store: StoredVectorStore): number | null {
  return store.expires_after ? store.last_active_at + store.expires_after.days * DAY_SECONDS : null;
}

export function isExpired(store: StoredVectorStore, now: number): boolean {
  const at = expiresAt(store);
  return at !== null && now >= at;
}

export function countFiles(files: readonly StoredVectorStoreFile[]): FileCounts {
  const counts: FileCounts = { completed: 0, cancelled: 0, failed: 0, in_progress: 0, total: files.length };
  for (const file of files) counts[file.status] += 1;
  return counts;
}

/** The store as the API answers it; counts, usage and status come from its files. */
export function storeObject(store: StoredVectorStore, files: readonly StoredVectorStoreFile[], now: number): VectorStoreObject {
  const fileCounts = countFiles(files);
  const usageBytes = files.reduce((sum, file) => sum + (file.status === 'completed' ? file.usage_bytes : 0), 0);
  return {
    id: store.id,
    object: 'vector_store',
    created_at: store.created_at,
    name: store.name,
    usage_bytes: usageBytes,
    file_counts: fileCounts,
    status: isExpired(store, now) ? 'expired' : fileCounts.in_progress > 0 ? 'in_progress' : 'completed',
    expires_after: store.expires_after,
    expires_at: expiresAt(store),
    last_active_at: store.last_active_at,
    metadata: store.metadata,
  };
}

export function fileObject(file: StoredVectorStoreFile): VectorStoreFileObject {
  return {
    id: file.id,
    object: 'vector_store.file',
    attributes: file.attributes,
    chunking_strategy: file.chunking_strategy,
    created_at: file.created_at,
    last_error: file.last_error,
    status: file.status,
    usage_bytes: file.usage_bytes,
    vector_store_id: file.vector_store_id,
  };
}

/**
 * A batch as the API answers it: `cancelled` once cancelled, `in_progress` while any of its files
 * is, `failed` when every file failed, else `completed` (as OpenAI, even when some failed).
 */
export function batchObject(batch: StoredFileBatch, files: readonly StoredVectorStoreFile[]): VectorStoreFileBatchObject {
  const fileCounts = countFiles(files);
  const status = batch.cancelled
    ? 'cancelled'
    : fileCounts.in_progress > 0
      ? 'in_progress'
      : fileCounts.total > 0 && fileCounts.failed === fileCounts.total
        ? 'failed'
        : 'completed';
  return {
    id: batch.id,
    object: 'vector_store.files_batch',
    created_at: batch.created_at,
    vector_store_id: batch.vector_store_id,
    status,
    file_counts: fileCounts,
  };
}
