import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeVectorIndexBackendConformance } from '@stack/vector-io-api/testing';
import { afterAll } from 'vitest';
import { createSqliteVecBackend } from '../src/index.js';

const directory = mkdtempSync(join(tmpdir(), 'sqlite-vec-conformance-'));
const dbPath = join(directory, 'nested', 'vectors.db');

afterAll(() => rmSync(directory, { recursive: true, force: true }));

describeVectorIndexBackendConformance({
  name: 'inline::sqlite-vec (file)',
  create: () => createSqliteVecBackend({ dbPath }),
  async reopen(backend) {
    await backend.close();
    return createSqliteVecBackend({ dbPath });
  },
});

describeVectorIndexBackendConformance({
  name: 'inline::sqlite-vec (:memory:)',
  create: () => createSqliteVecBackend({ dbPath: ':memory:' }),
});
