import { postgresTestsEnabled } from '@stack/core/testing';
import { describeVectorIndexBackendConformance } from '@stack/vector-io-api/testing';
import { afterAll, describe } from 'vitest';
import { createPgvectorBackend } from '../src/backend.js';
import { dropTablesWithPrefix, testBackendConfig, testTablePrefix } from './support.js';

const enabled = await postgresTestsEnabled('@stack/vector-io-pgvector conformance');

/*
 * The suite's indexes hold a few dozen rows: with the default build threshold they are answered by
 * exact scans. `vector_index_min_rows: 0` builds HNSW with the table, so every query goes through
 * the approximate index (iterative scans, filters inside the scan, exact fallback).
 */
const configs = [
  ['HNSW eager', { type: 'HNSW', m: 16, ef_construction: 64, ef_search: 40 }, { vector_index_min_rows: 0 }],
  ['HNSW deferred', { type: 'HNSW' }, {}],
  ['IVFFlat', { type: 'IVFFlat', lists: 100, probes: 10 }, {}],
] as const;

for (const [label, vectorIndex, extra] of configs) {
  describe.skipIf(!enabled)(`pgvector ${label}`, () => {
    const tablePrefix = testTablePrefix(label.replace(/\W/g, '').toLowerCase().slice(0, 8));
    const config = testBackendConfig(vectorIndex, extra);
    afterAll(() => dropTablesWithPrefix(tablePrefix));

    describeVectorIndexBackendConformance({
      name: `remote::pgvector (${label})`,
      create: () => createPgvectorBackend(config, { tablePrefix }),
      async reopen(backend) {
        await backend.close();
        return createPgvectorBackend(config, { tablePrefix });
      },
    });
  });
}
