import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStorageManager, type KVStore, type StorageManager } from '@stack/core';

/** A real SQLite key-value store in a temp directory; `cleanup` closes it and removes the directory. */
export interface TempKV {
  kv: KVStore;
  storage: StorageManager;
  directory: string;
  /** Another handle on the same namespace (a second process would see the same rows). */
  reopen(): Promise<KVStore>;
  cleanup(): Promise<void>;
}

export async function tempKV(namespace = 'vector_io::faiss'): Promise<TempKV> {
  const directory = mkdtempSync(join(tmpdir(), 'stack-faiss-'));
  const storage = createStorageManager({ backends: { kv_default: { type: 'kv_sqlite', db_path: join(directory, 'kv.db') } }, stores: {} });
  const kv = await storage.kv({ backend: 'kv_default', namespace });
  return {
    kv,
    storage,
    directory,
    reopen: () => storage.kv({ backend: 'kv_default', namespace }),
    async cleanup() {
      await storage.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** Deterministic pseudo-random vectors with components uniform in [-1, 1). */
export function randomVectors(count: number, dimension: number, seed: number): Float32Array[] {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Array.from({ length: count }, () => {
    const vector = new Float32Array(dimension);
    for (let index = 0; index < dimension; index += 1) vector[index] = next() * 2 - 1;
    return vector;
  });
}

/** A logger that keeps what it was told, for checking what a backend reported. */
export interface RecordingLogger {
  entries: Array<{ level: string; message: string; fields: Record<string, unknown> | undefined }>;
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(scope: string): RecordingLogger;
}

export function recordingLogger(): RecordingLogger {
  const entries: RecordingLogger['entries'] = [];
  const logger: RecordingLogger = {
    entries,
    debug: (message, fields) => entries.push({ level: 'debug', message, fields }),
    info: (message, fields) => entries.push({ level: 'info', message, fields }),
    warn: (message, fields) => entries.push({ level: 'warn', message, fields }),
    error: (message, fields) => entries.push({ level: 'error', message, fields }),
    child: () => logger,
  };
  return logger;
}
