import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chunkText } from '@stack/document-processing';
import OpenAI, { toFile } from 'openai';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, type Started } from './cli-process.js';
import { vectorRunYaml } from './vector-deployment.js';

const FILES = 10;
const CHUNKING = { max_chunk_size_tokens: 100, chunk_overlap_tokens: 20 };
const TOPICS = ['rivers', 'mountains', 'forests', 'deserts', 'oceans', 'glaciers', 'islands', 'valleys'];

/** A deterministic document of about 2,000 words, different for every index. */
function documentText(index: number): string {
  const words: string[] = [];
  for (let sentence = 0; sentence < 150; sentence += 1) {
    const topic = TOPICS[(index + sentence) % TOPICS.length];
    words.push(`Report ${index} notes that ${topic} number ${sentence * 7 + index} changed in season ${sentence % 4} across region ${(sentence * 13 + index) % 97}.`);
  }
  return words.join(' ');
}

describe('ingestion survives a killed server', () => {
  const running: Started[] = [];
  let directory: string;

  afterAll(async () => {
    for (const server of running) server.child.kill('SIGKILL');
    if (directory) await rm(directory, { recursive: true, force: true });
  });

  it('finishes every file after SIGKILL and a restart, with no chunk lost or duplicated', { timeout: 180_000 }, async () => {
    directory = await mkdtemp(join(tmpdir(), 'stack-restart-'));
    const config = join(directory, 'run.yaml');
    await writeFile(config, vectorRunYaml('sqlite-vec', { maxConcurrentFiles: 2 }));
    const environment = { TEST_DATA_DIR: directory };
    const first = await runCli(['run', config, '--port', '0', '--host', '127.0.0.1'], environment);
    running.push(first);
    let client = new OpenAI({ baseURL: `${first.url}/v1`, apiKey: 'unused', maxRetries: 0 });

    const texts = new Map<string, string>();
    for (let index = 0; index < FILES; index += 1) {
      const text = documentText(index);
      const file = await client.files.create({ file: await toFile(new TextEncoder().encode(text), `report-${index}.txt`), purpose: 'assistants' });
      texts.set(file.id, text);
    }
    const store = await client.vectorStores.create({
      name: 'restart',
      file_ids: [...texts.keys()],
      chunking_strategy: { type: 'static', static: CHUNKING },
    });

    // Kill the server once some files are done and others are still being ingested.
    await expect
      .poll(
        async () => {
          const counts = (await client.vectorStores.retrieve(store.id)).file_counts;
          return counts.completed >= 1 && counts.in_progress >= 2;
        },
        { timeout: 60_000, interval: 25 },
      )
      .toBe(true);
    first.child.kill('SIGKILL');
    await first.exited;

    const second = await runCli(['run', config, '--port', '0', '--host', '127.0.0.1'], environment);
    running.push(second);
    client = new OpenAI({ baseURL: `${second.url}/v1`, apiKey: 'unused', maxRetries: 0 });

    await expect
      .poll(async () => (await client.vectorStores.retrieve(store.id)).file_counts, { timeout: 150_000, interval: 200 })
      .toEqual({ in_progress: 0, completed: FILES, failed: 0, cancelled: 0, total: FILES });

    for (const [fileId, text] of texts) {
      const expected = chunkText(text, { maxChunkSizeTokens: CHUNKING.max_chunk_size_tokens, chunkOverlapTokens: CHUNKING.chunk_overlap_tokens }).map((chunk) => chunk.text);
      const stored: string[] = [];
      for await (const item of client.vectorStores.files.content(fileId, { vector_store_id: store.id })) stored.push(item.text ?? '');
      expect(stored, `chunks of ${fileId}`).toEqual(expected);
    }
    const hits = await client.vectorStores.search(store.id, { query: 'Report 3 notes that glaciers', search_mode: 'keyword', max_num_results: 50 } as OpenAI.VectorStores.VectorStoreSearchParams);
    const ids = hits.data.map((hit) => `${hit.file_id}:${hit.content[0]?.text}`);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
