import type { VectorIndexBackend } from '@stack/vector-io-api';
import { describeVectorIndexBackendConformance } from '@stack/vector-io-api/testing';
import { afterAll } from 'vitest';
import { createFaissBackend, type FaissIndexType } from '../src/index.js';
import { tempKV, type TempKV } from './support.js';

const stores: TempKV[] = [];

afterAll(async () => {
  for (const store of stores) await store.cleanup();
});

function conformance(indexType: FaissIndexType, autoThreshold?: number): void {
  let store: TempKV | undefined;
  const open = async () => {
    if (!store) {
      store = await tempKV();
      stores.push(store);
    }
    return createFaissBackend({ kv: await store.reopen(), indexType, ...(autoThreshold === undefined ? {} : { autoThreshold }) });
  };
  describeVectorIndexBackendConformance({
    name: `inline::faiss (${indexType}${autoThreshold === undefined ? '' : `, threshold ${autoThreshold}`})`,
    create: open,
    async reopen(backend: VectorIndexBackend) {
      await backend.close();
      return open();
    },
  });
}

conformance('flat');
conformance('hnsw');
// A threshold the filter corpus (24 chunks) crosses, so the switch to HNSW is exercised too.
conformance('auto', 10);
