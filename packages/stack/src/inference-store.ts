import {
  NotFoundError,
  clampLimit,
  createWriteQueue,
  toCursorPage,
  type Logger,
  type RequestContext,
  type SqlStore,
  type WriteQueue,
} from '@stack/core';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionMessageParam,
  ChatCompletionWithInputMessages,
  ListChatCompletionsQuery,
  ListChatCompletionsResponse,
} from '@stack/inference-api';
import type { Kysely, Migration } from 'kysely';

interface StoredRow {
  id: string;
  created: number;
  model: string;
  owner_principal: string | null;
  completion: string;
  input_messages: string;
}

interface PendingRecord {
  row: StoredRow;
}

export interface InferenceStoreOptions {
  maxQueueSize?: number;
  writers?: number;
  onQueueFull?: 'wait' | 'drop';
  logger: Logger;
}

/**
 * Chat completions kept in the configured SQL store (`storage.stores.inference`). Requests hand
 * records to a bounded write queue and do not wait for the database; `close()` writes what is
 * queued.
 */
export class InferenceStore {
  private readonly queue: WriteQueue<PendingRecord>;
  private readonly db: Kysely<any>;
  private readonly table: string;
  private readonly logger: Logger;

  private constructor(store: SqlStore, options: InferenceStoreOptions) {
    this.logger = options.logger;
    this.db = store.db;
    this.table = store.tableName;
    this.queue = createWriteQueue<PendingRecord>({
      name: `the chat completion store (${store.tableName})`,
      maxSize: options.maxQueueSize ?? 10_000,
      writers: options.writers ?? 4,
      onFull: options.onQueueFull ?? 'wait',
      logger: options.logger,
      write: (batch) => this.insert(batch.map((record) => record.row)),
    });
  }

  static async open(store: SqlStore, options: InferenceStoreOptions): Promise<InferenceStore> {
    await store.migrate(`inference_store_${store.tableName}`, migrationsFor(store.tableName));
    return new InferenceStore(store, options);
  }

  /**
   * Queues a finished completion with the messages that produced it, filed under the model id
   * the client asked for. Waits only when the queue is full and its policy is `wait`.
   */
  record(completion: ChatCompletion, inputMessages: readonly ChatCompletionMessageParam[], model: string, context: RequestContext): Promise<void> {
    return this.queue.push({
      row: {
        id: completion.id,
        created: Math.trunc(completion.created),
        model,
        owner_principal: context.user?.principal ?? null,
        completion: JSON.stringify(completion),
        input_messages: JSON.stringify(inputMessages),
      },
    });
  }

  /**
   * Wraps a stream so the completion it adds up to is recorded when it ends. Chunks pass through
   * untouched and unbuffered.
   */
  recordStream(
    stream: AsyncIterable<ChatCompletionChunk>,
    inputMessages: readonly ChatCompletionMessageParam[],
    model: string,
    context: RequestContext,
  ): AsyncIterable<ChatCompletionChunk> {
    // Storage trouble (a queue closed by shutdown) must not fail a stream the client already has.
    const record = (completion: ChatCompletion) =>
      this.record(completion, inputMessages, model, context).catch((error: unknown) => {
        this.logger.warn(`Could not queue chat completion ${completion.id} for storage: ${(error as Error).message}`);
      });
    return {
      async *[Symbol.asyncIterator]() {
        const accumulator = new ChunkAccumulator();
        let complete = false;
        try {
          for await (const chunk of stream) {
            accumulator.add(chunk);
            yield chunk;
          }
          complete = true;
        } finally {
          // A stream the client abandoned is not a completion; one that ran to the end is.
          if (complete && accumulator.hasContent) await record(accumulator.result());
        }
      },
    };
  }

  async list(query: ListChatCompletionsQuery, context: RequestContext): Promise<ListChatCompletionsResponse> {
    const limit = clampLimit(query.limit);
    const descending = (query.order ?? 'desc') === 'desc';
    let select = this.db.selectFrom(this.table).selectAll();
    select = this.visibleTo(select, context);
    if (query.model) select = select.where('model', '=', query.model);
    if (query.after) {
      const cursor = await this.visibleTo(this.db.selectFrom(this.table).select(['created', 'id']).where('id', '=', query.after), context).executeTakeFirst();
      if (!cursor) throw NotFoundError.of('Chat completion', query.after, 'It is the `after` cursor of this request.');
      const comparison = descending ? '<' : '>';
      select = select.where((eb) =>
        eb.or([eb('created', comparison, cursor.created), eb.and([eb('created', '=', cursor.created), eb('id', comparison, cursor.id)])]),
      );
    }
    const direction = descending ? 'desc' : 'asc';
    const rows = (await select.orderBy('created', direction).orderBy('id', direction).limit(limit + 1).execute()) as StoredRow[];
    const page = rows.slice(0, limit).map(toCompletion);
    return toCursorPage(page, rows.length > limit, (completion) => completion.id);
  }

  async get(completionId: string, context: RequestContext): Promise<ChatCompletionWithInputMessages> {
    const row = (await this.visibleTo(this.db.selectFrom(this.table).selectAll().where('id', '=', completionId), context).executeTakeFirst()) as
      | StoredRow
      | undefined;
    if (!row) throw NotFoundError.of('Chat completion', completionId);
    return toCompletion(row);
  }

  /** Writes everything queued so far. */
  flush(): Promise<void> {
    return this.queue.flush();
  }

  close(): Promise<void> {
    return this.queue.close();
  }

  /** Records with an owner are visible only to that principal; records without one to everyone. */
  private visibleTo<Q extends { where: (...args: any[]) => Q }>(query: Q, context: RequestContext): Q {
    const principal = context.user?.principal;
    return principal === undefined
      ? query.where('owner_principal', 'is', null)
      : query.where((eb: any) => eb.or([eb('owner_principal', 'is', null), eb('owner_principal', '=', principal)]));
  }

  private async insert(rows: StoredRow[]): Promise<void> {
    // A completion id seen twice (a client replaying a request) keeps its first record.
    await this.db.insertInto(this.table).values(rows).onConflict((conflict) => conflict.column('id').doNothing()).execute();
  }
}

function toCompletion(row: StoredRow): ChatCompletionWithInputMessages {
  return { ...(JSON.parse(row.completion) as ChatCompletion), input_messages: JSON.parse(row.input_messages) };
}

function migrationsFor(table: string): Record<string, Migration> {
  return {
    '0001_create_chat_completions': {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable(table)
          .ifNotExists()
          .addColumn('id', 'text', (column) => column.primaryKey())
          .addColumn('created', 'bigint', (column) => column.notNull())
          .addColumn('model', 'text', (column) => column.notNull())
          .addColumn('owner_principal', 'text')
          .addColumn('completion', 'text', (column) => column.notNull())
          .addColumn('input_messages', 'text', (column) => column.notNull())
          .execute();
        await db.schema.createIndex(`${table}_created_id`).ifNotExists().on(table).columns(['created', 'id']).execute();
        await db.schema.createIndex(`${table}_model`).ifNotExists().on(table).column('model').execute();
      },
      async down(db: Kysely<any>) {
        await db.schema.dropTable(table).ifExists().execute();
      },
    },
  };
}

type ToolCall = { index: number; id?: string; type?: string; function: { name: string; arguments: string } };

/** Adds up streamed chunks into the completion a non-streamed request would have answered. */
export class ChunkAccumulator {
  private id = '';
  private model = '';
  private created = 0;
  private usage: unknown = undefined;
  private systemFingerprint: unknown = undefined;
  private readonly choices = new Map<number, { content: string; refusal: string; role: string; finish_reason: unknown; tool_calls: Map<number, ToolCall>; logprobs: unknown[] }>();

  get hasContent(): boolean {
    return this.id !== '';
  }

  add(chunk: ChatCompletionChunk) {
    this.id ||= chunk.id;
    this.model ||= chunk.model;
    this.created ||= chunk.created;
    if (chunk.usage) this.usage = chunk.usage;
    if (chunk.system_fingerprint) this.systemFingerprint = chunk.system_fingerprint;
    for (const choice of chunk.choices ?? []) {
      let state = this.choices.get(choice.index);
      if (!state) {
        state = { content: '', refusal: '', role: 'assistant', finish_reason: null, tool_calls: new Map(), logprobs: [] };
        this.choices.set(choice.index, state);
      }
      const delta = (choice.delta ?? {}) as Record<string, any>;
      if (typeof delta.role === 'string') state.role = delta.role;
      if (typeof delta.content === 'string') state.content += delta.content;
      if (typeof delta.refusal === 'string') state.refusal += delta.refusal;
      for (const call of (delta.tool_calls ?? []) as Array<Record<string, any>>) {
        const index = typeof call.index === 'number' ? call.index : state.tool_calls.size;
        const existing = state.tool_calls.get(index) ?? { index, function: { name: '', arguments: '' } };
        if (call.id) existing.id = call.id;
        if (call.type) existing.type = call.type;
        if (call.function?.name) existing.function.name += call.function.name;
        if (call.function?.arguments) existing.function.arguments += call.function.arguments;
        state.tool_calls.set(index, existing);
      }
      const logprobs = (choice as { logprobs?: { content?: unknown[] } | null }).logprobs;
      if (logprobs?.content) state.logprobs.push(...logprobs.content);
      if (choice.finish_reason) state.finish_reason = choice.finish_reason;
    }
  }

  result(): ChatCompletion {
    const choices = [...this.choices.entries()]
      .sort(([a], [b]) => a - b)
      .map(([index, state]) => {
        const toolCalls = [...state.tool_calls.values()].sort((a, b) => a.index - b.index).map(({ index: _index, ...call }) => ({ type: 'function', ...call }));
        return {
          index,
          finish_reason: state.finish_reason ?? 'stop',
          logprobs: state.logprobs.length > 0 ? { content: state.logprobs } : null,
          message: {
            role: state.role,
            content: state.content.length > 0 || toolCalls.length === 0 ? state.content : null,
            ...(state.refusal ? { refusal: state.refusal } : {}),
            ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
          },
        };
      });
    return {
      id: this.id,
      object: 'chat.completion',
      created: this.created,
      model: this.model,
      choices,
      ...(this.usage ? { usage: this.usage } : {}),
      ...(this.systemFingerprint ? { system_fingerprint: this.systemFingerprint } : {}),
    } as ChatCompletion;
  }
}

