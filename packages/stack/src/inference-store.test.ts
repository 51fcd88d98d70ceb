import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequestContext, createStorageManager, silentLogger, type StorageConfig, type StorageManager } from '@stack/core';
import { postgresTestConfig, postgresTestsEnabled, uniqueTestSuffix } from '@stack/core/testing';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionMessageParam } from '@stack/inference-api';
import { afterEach, describe, expect, it } from 'vitest';
import { ChunkAccumulator, InferenceStore } from './inference-store.js';

const messages: ChatCompletionMessageParam[] = [{ role: 'user', content: 'hello' }];
const anonymous = createRequestContext();

function completion(id: string, created: number, content = `reply ${id}`): ChatCompletion {
  return {
    id,
    object: 'chat.completion',
    created,
    model: 'upstream-model',
    choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content } }],
    usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 },
  } as ChatCompletion;
}

const opened: StorageManager[] = [];
afterEach(async () => {
  for (const manager of opened.splice(0)) await manager.close();
});

async function openStore(config: StorageConfig, tableName: string, queue: { maxQueueSize?: number; writers?: number } = {}) {
  const manager = createStorageManager(config);
  opened.push(manager);
  const store = await InferenceStore.open(await manager.sql({ backend: 'sql', table_name: tableName }), { logger: silentLogger, ...queue });
  return { manager, store };
}

function describeStore(name: string, makeConfig: () => Promise<StorageConfig>, enabled: () => Promise<boolean>) {
  describe(`InferenceStore on ${name}`, async () => {
    const run = await enabled();
    it.runIf(run)('keeps completions with their input messages and pages through them', async () => {
      const table = `chat_${uniqueTestSuffix()}`;
      const { store } = await openStore(await makeConfig(), table);
      for (let index = 0; index < 5; index += 1) {
        await store.record(completion(`c${index}`, 1000 + index), messages, index % 2 === 0 ? 'vllm/a' : 'vllm/b', anonymous);
      }
      await store.flush();
      expect(await store.get('c3', anonymous)).toMatchObject({ id: 'c3', input_messages: messages, choices: [{ message: { content: 'reply c3' } }] });

      const first = await store.list({ limit: 2 }, anonymous);
      expect(first).toMatchObject({ object: 'list', first_id: 'c4', last_id: 'c3', has_more: true });
      const second = await store.list({ limit: 2, after: 'c3' }, anonymous);
      expect(second.data.map((item) => item.id)).toEqual(['c2', 'c1']);
      const last = await store.list({ limit: 2, after: 'c1' }, anonymous);
      expect(last).toMatchObject({ data: [{ id: 'c0' }], has_more: false });
      expect((await store.list({ order: 'asc' }, anonymous)).data.map((item) => item.id)).toEqual(['c0', 'c1', 'c2', 'c3', 'c4']);
      expect((await store.list({ model: 'vllm/b' }, anonymous)).data.map((item) => item.id)).toEqual(['c3', 'c1']);
      await expect(store.get('missing', anonymous)).rejects.toThrowError(/Chat completion 'missing' not found/);
      await expect(store.list({ after: 'missing' }, anonymous)).rejects.toThrowError(/not found/);
    });

    it.runIf(run)('shows an owner its own completions only', async () => {
      const { store } = await openStore(await makeConfig(), `chat_${uniqueTestSuffix()}`);
      const alice = createRequestContext({ user: { principal: 'alice' } });
      const bob = createRequestContext({ user: { principal: 'bob' } });
      await store.record(completion('a1', 1), messages, 'm', alice);
      await store.record(completion('b1', 2), messages, 'm', bob);
      await store.record(completion('shared', 3), messages, 'm', anonymous);
      await store.flush();
      expect((await store.list({}, alice)).data.map((item) => item.id)).toEqual(['shared', 'a1']);
      await expect(store.get('b1', alice)).rejects.toThrowError(/not found/);
      expect((await store.list({}, anonymous)).data.map((item) => item.id)).toEqual(['shared']);
    });

    it.runIf(run)('writes everything queued before it closes, so a restart finds it', async () => {
      const config = await makeConfig();
      const table = `chat_${uniqueTestSuffix()}`;
      const { manager, store } = await openStore(config, table, { writers: 2 });
      for (let index = 0; index < 300; index += 1) await store.record(completion(`r${index}`, index), messages, 'm', anonymous);
      await store.close();
      await manager.close();
      const reopened = await openStore(config, table);
      let count = 0;
      let after: string | undefined;
      for (;;) {
        const page = await reopened.store.list({ limit: 100, after }, anonymous);
        count += page.data.length;
        if (!page.has_more) break;
        after = page.last_id ?? undefined;
      }
      expect(count).toBe(300);
    });
  });
}

describeStore(
  'SQLite',
  async () => ({ backends: { sql: { type: 'sql_sqlite', db_path: join(await mkdtemp(join(tmpdir(), 'inference-store-')), 'sql.db') } }, stores: {} }),
  async () => true,
);
describeStore(
  'PostgreSQL',
  async () => ({ backends: { sql: { type: 'sql_postgres', ...postgresTestConfig() } }, stores: {} }) as StorageConfig,
  () => postgresTestsEnabled('InferenceStore on PostgreSQL'),
);

describe('ChunkAccumulator', () => {
  it('adds up content, tool call fragments, finish reason and usage', () => {
    const accumulator = new ChunkAccumulator();
    const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
      ({ id: 'chatcmpl-9', object: 'chat.completion.chunk', created: 7, model: 'm', choices, ...extra }) as ChatCompletionChunk;
    accumulator.add(chunk([{ index: 0, delta: { role: 'assistant', content: 'Hel' }, finish_reason: null }]));
    accumulator.add(chunk([{ index: 0, delta: { content: 'lo' }, finish_reason: null }]));
    accumulator.add(chunk([{ index: 1, delta: { tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"ci' } }] }, finish_reason: null }]));
    accumulator.add(chunk([{ index: 1, delta: { tool_calls: [{ index: 0, function: { arguments: 'ty":"Paris"}' } }] }, finish_reason: 'tool_calls' }]));
    accumulator.add(chunk([{ index: 0, delta: {}, finish_reason: 'stop' }]));
    accumulator.add(chunk([], { usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 } }));
    expect(accumulator.result()).toEqual({
      id: 'chatcmpl-9',
      object: 'chat.completion',
      created: 7,
      model: 'm',
      usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 },
      choices: [
        { index: 0, finish_reason: 'stop', logprobs: null, message: { role: 'assistant', content: 'Hello' } },
        {
          index: 1,
          finish_reason: 'tool_calls',
          logprobs: null,
          message: { role: 'assistant', content: null, tool_calls: [{ type: 'function', id: 'call_1', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
        },
      ],
    });
  });
});
