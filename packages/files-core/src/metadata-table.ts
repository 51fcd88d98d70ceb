import { InvalidRequestError, formatPath, type SortOrder, type SqlStore } from '@stack/core';
import { listFilesQuerySchema, type FileObject, type FilePurpose, type ListFilesRequest } from '@stack/files-api';

/** The file metadata table every files provider keeps in its SQL store. */

/** One file's row. Times are epoch seconds; `content_type` is the type the upload declared. */
export interface FileRecord {
  id: string;
  filename: string;
  purpose: FilePurpose;
  bytes: number;
  created_at: number;
  expires_at: number | null;
  content_type: string | null;
}

export interface FilePageQuery {
  after?: string | undefined;
  limit: number;
  order: SortOrder;
  purpose?: FilePurpose | undefined;
}

export interface FileMetadataTable {
  /** Inserts a row; `beforeCommit` runs inside the same transaction, which it can fail. */
  insert(record: FileRecord, beforeCommit?: () => Promise<void>): Promise<void>;
  /** A row whether or not it has expired. */
  get(id: string): Promise<FileRecord | undefined>;
  /** Whether a row was there to delete. */
  remove(id: string): Promise<boolean>;
  /** Unexpired rows in (created_at, id) order after the cursor, and whether more follow. */
  page(query: FilePageQuery, nowSeconds: number): Promise<{ records: FileRecord[]; hasMore: boolean }>;
  /** Ids of rows that expired at or before `nowSeconds`, at most `limit`. */
  expiredIds(nowSeconds: number, limit: number): Promise<string[]>;
}

type Migrations = Parameters<SqlStore['migrate']>[1];

function migrations(table: string, dialect: SqlStore['dialect']): Migrations {
  const integer = dialect === 'postgres' ? 'bigint' : 'integer';
  return {
    '0001_create_files_table': {
      async up(db) {
        await db.schema
          .createTable(table)
          .ifNotExists()
          .addColumn('id', 'text', (column) => column.primaryKey())
          .addColumn('filename', 'text', (column) => column.notNull())
          .addColumn('purpose', 'text', (column) => column.notNull())
          .addColumn('bytes', integer, (column) => column.notNull())
          .addColumn('created_at', integer, (column) => column.notNull())
          .addColumn('expires_at', integer)
          .addColumn('content_type', 'text')
          .execute();
        await db.schema.createIndex(`${table}_created_at_id_idx`).ifNotExists().on(table).columns(['created_at', 'id']).execute();
        await db.schema.createIndex(`${table}_expires_at_idx`).ifNotExists().on(table).column('expires_at').execute();
      },
    },
  };
}

/** Postgres answers `bigint` columns as strings. */
function toRecord(row: Record<string, unknown>): FileRecord {
  return {
    id: String(row.id),
    filename: String(row.filename),
    purpose: row.purpose as FilePurpose,
    bytes: Number(row.bytes),
    created_at: Number(row.created_at),
    expires_at: row.expires_at === null || row.expires_at === undefined ? null : Number(row.expires_at),
    content_type: typeof row.content_type === 'string' ? row.content_type : null,
  };
}

/** Opens (migrating as needed) the table of `store`; `owner` names the provider in migration records. */
export async function openFileMetadataTable(store: SqlStore, owner: string): Promise<FileMetadataTable> {
  const { db, tableName: table } = store;
  // One migration history per table, so two tables in one database are both created.
  await store.migrate(`${owner}:${table}`, migrations(table, store.dialect));

  const get = async (id: string) => {
    const row = await db.selectFrom(table).selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toRecord(row) : undefined;
  };

  return {
    async insert(record, beforeCommit) {
      if (!beforeCommit) {
        await db.insertInto(table).values(record).execute();
        return;
      }
      await db.transaction().execute(async (transaction) => {
        await transaction.insertInto(table).values(record).execute();
        await beforeCommit();
      });
    },
    get,
    async remove(id) {
      const result = await db.deleteFrom(table).where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
    async page(query, nowSeconds) {
      let select = db
        .selectFrom(table)
        .selectAll()
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', nowSeconds)]));
      if (query.purpose !== undefined) select = select.where('purpose', '=', query.purpose);
      if (query.after !== undefined) {
        const cursor = await get(query.after);
        if (!cursor) throw new InvalidRequestError(`Invalid 'after': no file '${query.after}' to list after.`, { param: 'after', code: 'invalid_value' });
        const beyond = query.order === 'asc' ? '>' : '<';
        select = select.where((eb) =>
          eb.or([eb('created_at', beyond, cursor.created_at), eb.and([eb('created_at', '=', cursor.created_at), eb('id', beyond, cursor.id)])]),
        );
      }
      const rows = await select.orderBy('created_at', query.order).orderBy('id', query.order).limit(query.limit + 1).execute();
      return { records: rows.slice(0, query.limit).map(toRecord), hasMore: rows.length > query.limit };
    },
    async expiredIds(nowSeconds, limit) {
      const rows = await db
        .selectFrom(table)
        .select('id')
        .where('expires_at', 'is not', null)
        .where('expires_at', '<=', nowSeconds)
        .limit(limit)
        .execute();
      return rows.map((row) => String(row.id));
    },
  };
}

/** OpenAI's default and largest page. */
export const MAX_FILES_PAGE = 10_000;

/** Checks a list request (in-process callers skip the route's validation); newest first by default. */
export function parseListRequest(request: ListFilesRequest | undefined): FilePageQuery {
  const parsed = listFilesQuerySchema.safeParse(request ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const param = issue ? formatPath(issue.path) : 'query';
    throw new InvalidRequestError(`Invalid '${param}': ${issue?.message ?? 'invalid value'}.`, { param, code: 'invalid_value' });
  }
  const { after, limit, order, purpose } = parsed.data;
  return { after, limit: limit ?? MAX_FILES_PAGE, order: order ?? 'desc', purpose };
}

/** The API's view of a row. */
export function toFileObject(record: FileRecord): FileObject {
  return {
    object: 'file',
    id: record.id,
    bytes: record.bytes,
    created_at: record.created_at,
    expires_at: record.expires_at,
    filename: record.filename,
    purpose: record.purpose,
    status: 'processed',
  };
}
