import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequestContext, createStorageManager, type KVStore, type StorageManager } from '@stack/core';
import type { EmbeddingsRequest, EmbeddingsResponse } from '@stack/inference-api';
import { createLocalEmbeddingsInferenceProvider, type LocalEmbeddingsProvider } from '@stack/inference-local-embeddings';
import type { VectorIndexBackend } from '@stack/vector-io-api';
import type { VectorStoreInference } from '../src/embedder.js';

export const MODEL = 'universal-sentence-encoder';
export const DIMENSION = 512;

/** A temp directory with a SQLite storage manager and one key-value store in it. */
export interface TestStorage {
  dir: string;
  storage: StorageManager;
  kv: KVStore;
  cleanup(): Promise<void>;
}

export async function createTestStorage(): Promise<TestStorage> {
  const dir = await mkdtemp(join(tmpdir(), 'vector-stores-test-'));
  const storage = createStorageManager(
    { backends: { kv_test: { type: 'kv_sqlite', db_path: join(dir, 'kv.db') }, sql_test: { type: 'sql_sqlite', db_path: join(dir, 'sql.db') } }, stores: {} },
    { baseDir: dir },
  );
  const kv = await storage.kv({ backend: 'kv_test', namespace: 'vector_io::test' });
  return {
    dir,
    storage,
    kv,
    cleanup: async () => {
      await storage.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The in-process sentence encoder, exposed as the inference API the vector stores call. */
export function localInference(): { inference: VectorStoreInference & { calls: EmbeddingsRequest[] }; provider: LocalEmbeddingsProvider } {
  const provider = createLocalEmbeddingsInferenceProvider({ batch_size: 32 });
  const calls: EmbeddingsRequest[] = [];
  const inference = {
    calls,
    embeddings: (request: EmbeddingsRequest, context = createRequestContext()): Promise<EmbeddingsResponse> => {
      calls.push(request);
      return provider.embeddings(request, context);
    },
    chatCompletion: (request: Parameters<VectorStoreInference['chatCompletion']>[0], context = createRequestContext()) =>
      provider.chatCompletion(request, context),
  };
  return { inference, provider };
}

/** A backend whose `close()` keeps its data, standing in for a persistent backend across a restart. */
export function surviveClose(backend: VectorIndexBackend): VectorIndexBackend {
  return { ...backend, close: async () => undefined };
}

/** The error a promise rejects with (fails the test if it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<Error & { code?: string; param?: string; kind?: string }> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error as Error & { code?: string; param?: string; kind?: string },
  );
}

/** Polls until `check` returns a value other than undefined (or the time runs out). */
export async function waitFor<T>(check: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
