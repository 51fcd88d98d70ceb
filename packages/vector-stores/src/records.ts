import type { KVStore } from '@stack/core';
import type {
  Attributes,
  ChunkingStrategy,
  VectorStoreExpiresAfter,
  VectorStoreFileLastError,
  VectorStoreFileStatus,
} from '@stack/vector-io-api';

/** A vector store as persisted: the user's fields plus what the provider needs to embed for it. */
export interface StoredVectorStore {
  id: string;
  created_at: number;
  name: string | null;
  metadata: Record<string, unknown>;
  expires_after: VectorStoreExpiresAfter | null;
  last_active_at: number;
  embedding_model: string;
  embedding_dimension: number;
  provider_id: string;
}

/** A file attached to a store, as persisted. */
export interface StoredVectorStoreFile {
  id: string;
  vector_store_id: string;
  created_at: number;
  status: VectorStoreFileStatus;
  last_error: VectorStoreFileLastError | null;
  usage_bytes: number;
  attributes: Attributes;
  /** Always the static form: `auto` is stored as the strategy it stands for. */
  chunking_strategy: Extract<ChunkingStrategy, { type: 'static' }>;
  filename: string;
  /** The batch that attached the file, if any. */
  batch_id?: string | undefined;
  /** Chunks indexed when the file completed. */
  chunk_count?: number | undefined;
}

/** A file batch as persisted; its status and counts are derived from its files. */
export interface StoredFileBatch {
  id: string;
  vector_store_id: string;
  created_at: number;
  file_ids: string[];
  cancelled: boolean;
}

const ROOT = 'vector_stores:v1:';
// Ids are encoded so that a `:` inside one can never make a prefix match another store's keys.
const part = (id: string) => encodeURIComponent(id);
const storeKey = (storeId: string) => `${ROOT}store:${part(storeId)}`;
const filePrefix = (storeId: string) => `${ROOT}file:${part(storeId)}:`;
const fileKey = (storeId: string, fileId: string) => `${filePrefix(storeId)}${part(fileId)}`;
const batchPrefix = (storeId: string) => `${ROOT}batch:${part(storeId)}:`;
const batchKey = (storeId: string, batchId: string) => `${batchPrefix(storeId)}${part(batchId)}`;

function parseAll<T>(entries: ReadonlyArray<{ value: string }>): T[] {
  return entries.map((entry) => JSON.parse(entry.value) as T);
}

/** The key layout of stores, files and batches in the provider's key-value store. */
export class VectorStoreRecords {
  constructor(private readonly kv: KVStore) {}

  async getStore(storeId: string): Promise<StoredVectorStore | undefined> {
    const value = await this.kv.get(storeKey(storeId));
    return value === undefined ? undefined : (JSON.parse(value) as StoredVectorStore);
  }

  putStore(store: StoredVectorStore): Promise<void> {
    return this.kv.set(storeKey(store.id), JSON.stringify(store));
  }

  deleteStore(storeId: string): Promise<void> {
    return this.kv.delete(storeKey(storeId));
  }

  async listStores(): Promise<StoredVectorStore[]> {
    return parseAll<StoredVectorStore>(await this.kv.entriesWithPrefix(`${ROOT}store:`));
  }

  async getFile(storeId: string, fileId: string): Promise<StoredVectorStoreFile | undefined> {
    const value = await this.kv.get(fileKey(storeId, fileId));
    return value === undefined ? undefined : (JSON.parse(value) as StoredVectorStoreFile);
  }

  putFile(file: StoredVectorStoreFile): Promise<void> {
    return this.kv.set(fileKey(file.vector_store_id, file.id), JSON.stringify(file));
  }

  deleteFile(storeId: string, fileId: string): Promise<void> {
    return this.kv.delete(fileKey(storeId, fileId));
  }

  async listFiles(storeId: string): Promise<StoredVectorStoreFile[]> {
    return parseAll<StoredVectorStoreFile>(await this.kv.entriesWithPrefix(filePrefix(storeId)));
  }

  /** Every file of every store (the resume scan at start-up). */
  async listAllFiles(): Promise<StoredVectorStoreFile[]> {
    return parseAll<StoredVectorStoreFile>(await this.kv.entriesWithPrefix(`${ROOT}file:`));
  }

  async getBatch(storeId: string, batchId: string): Promise<StoredFileBatch | undefined> {
    const value = await this.kv.get(batchKey(storeId, batchId));
    return value === undefined ? undefined : (JSON.parse(value) as StoredFileBatch);
  }

  putBatch(batch: StoredFileBatch): Promise<void> {
    return this.kv.set(batchKey(batch.vector_store_id, batch.id), JSON.stringify(batch));
  }

  async listBatches(storeId: string): Promise<StoredFileBatch[]> {
    return parseAll<StoredFileBatch>(await this.kv.entriesWithPrefix(batchPrefix(storeId)));
  }

  /** Every batch of every store. */
  async listAllBatches(): Promise<StoredFileBatch[]> {
    return parseAll<StoredFileBatch>(await this.kv.entriesWithPrefix(`${ROOT}batch:`));
  }

  async deleteBatches(storeId: string): Promise<void> {
    for (const entry of await this.kv.entriesWithPrefix(batchPrefix(storeId))) await this.kv.delete(entry.key);
  }
}
