import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStorageManager, silentLogger, type StorageManager } from '@stack/core';
import { createLocalEmbeddingsInferenceProvider, localEmbeddingModelId, type LocalEmbeddingsProvider } from '@stack/inference-local-embeddings';
import { createMemoryIndexBackend, createVectorStoreProvider, type VectorStoreProvider } from '@stack/vector-stores';

/** A real vector-store provider (in-memory index, SQLite records) embedding with the in-process sentence encoder. */
export interface TestVectorStores {
  vectorIo: VectorStoreProvider;
  createStore(name: string): Promise<string>;
  close(): Promise<void>;
}

export async function createTestVectorStores(): Promise<TestVectorStores> {
  const dir = await mkdtemp(join(tmpdir(), 'tool-runtime-rag-test-'));
  const storage: StorageManager = createStorageManager(
    { backends: { kv_test: { type: 'kv_sqlite', db_path: join(dir, 'kv.db') } }, stores: {} },
    { baseDir: dir },
  );
  const embeddings: LocalEmbeddingsProvider = createLocalEmbeddingsInferenceProvider({ batch_size: 32 });
  const vectorIo = await createVectorStoreProvider({
    providerId: 'memory',
    backend: createMemoryIndexBackend(),
    kv: await storage.kv({ backend: 'kv_test', namespace: 'vector_io::rag_test' }),
    inference: embeddings,
    logger: silentLogger,
  });
  return {
    vectorIo,
    async createStore(name) {
      const store = await vectorIo.createVectorStore({ name, embedding_model: localEmbeddingModelId, embedding_dimension: 512 });
      return store.id;
    },
    async close() {
      await vectorIo.close();
      await embeddings.close();
      await storage.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A local HTTP server answering fixed routes; `/slow` never answers. */
export interface TestServer {
  url(path: string): string;
  requests: string[];
  close(): Promise<void>;
}

export async function startTestServer(routes: Record<string, { status?: number; contentType: string; body: string }>): Promise<TestServer> {
  const requests: string[] = [];
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?', 1)[0]!;
    requests.push(request.url ?? '/');
    if (path === '/slow') return; // left hanging: the client's timeout must end it
    const route = routes[path];
    if (!route) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not here');
      return;
    }
    response.writeHead(route.status ?? 200, { 'content-type': route.contentType }).end(route.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
