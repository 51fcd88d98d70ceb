import type { Kysely } from 'kysely';
import type { KVStore } from './types.js';

interface KVRow {
  key: string;
  value: string;
  expires_at: number | null;
}

/** The table name is configuration, so the schema type admits any name. */
type KVDatabase = Record<string, KVRow>;

export interface KVStoreOptions {
  /** The table created by `kvTableMigrations`; it must exist already. */
  tableName: string;
  /** Keys are stored as `${namespace}:${key}`, so stores sharing a table stay apart. */
  namespace?: string | null;
}

/**
 * The smallest string greater than every string starting with `prefix`, in code point order
 * (which is UTF-8 byte order, the order both dialects compare keys in), or undefined when no
 * such string exists. Used instead of LIKE, whose wildcards and SQLite's ASCII case folding
 * would both need escaping.
 */
export function prefixUpperBound(prefix: string): string | undefined {
  const codePoints = Array.from(prefix);
  while (codePoints.length > 0) {
    const last = codePoints.pop()!.codePointAt(0)!;
    if (last < 0x10ffff) {
      // Lone surrogates cannot be encoded, so the step after U+D7FF is U+E000.
      const next = last + 1 === 0xd800 ? 0xe000 : last + 1;
      return codePoints.join('') + String.fromCodePoint(next);
    }
  }
  return undefined;
}

export function createKVStore(db: Kysely<any>, options: KVStoreOptions): KVStore {
  const kysely = db as Kysely<KVDatabase>;
  const table = options.tableName;
  const namespacePrefix = options.namespace ? `${options.namespace}:` : '';
  const storedKey = (key: string) => namespacePrefix + key;
  const callerKey = (key: string) => key.slice(namespacePrefix.length);

  // Expired rows stay invisible. `now` is this process's clock, the same clock callers computed
  // `expiresAt` with, rather than the database's.
  const live = () => {
    const now = Date.now();
    return kysely
      .selectFrom(table)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]));
  };

  const rowsBetween = (lower: string, upper: { key: string; inclusive: boolean } | undefined) => {
    let query = live().where('key', '>=', lower);
    if (upper) query = query.where('key', upper.inclusive ? '<=' : '<', upper.key);
    return query.orderBy('key', 'asc');
  };

  return {
    async get(key) {
      const row = await kysely
        .selectFrom(table)
        .select(['value', 'expires_at'])
        .where('key', '=', storedKey(key))
        .executeTakeFirst();
      if (!row) return undefined;
      const now = Date.now();
      if (row.expires_at !== null && Number(row.expires_at) <= now) {
        // Lazy clean-up; the condition spares a value that a concurrent `set` just renewed.
        await kysely.deleteFrom(table).where('key', '=', storedKey(key)).where('expires_at', '<=', now).execute();
        return undefined;
      }
      return row.value;
    },

    async set(key, value, setOptions) {
      const expiresAt = setOptions?.expiresAt ? setOptions.expiresAt.getTime() : null;
      await kysely
        .insertInto(table)
        .values({ key: storedKey(key), value, expires_at: expiresAt })
        .onConflict((conflict) => conflict.column('key').doUpdateSet({ value, expires_at: expiresAt }))
        .execute();
    },

    async delete(key) {
      await kysely.deleteFrom(table).where('key', '=', storedKey(key)).execute();
    },

    async valuesInRange(startKey, endKey) {
      const rows = await rowsBetween(storedKey(startKey), { key: storedKey(endKey), inclusive: true })
        .select('value')
        .execute();
      return rows.map((row) => row.value);
    },

    async keysInRange(startKey, endKey) {
      const rows = await rowsBetween(storedKey(startKey), { key: storedKey(endKey), inclusive: true })
        .select('key')
        .execute();
      return rows.map((row) => callerKey(row.key));
    },

    async entriesWithPrefix(prefix) {
      const lower = storedKey(prefix);
      const upper = prefixUpperBound(lower);
      const rows = await rowsBetween(lower, upper === undefined ? undefined : { key: upper, inclusive: false })
        .select(['key', 'value'])
        .execute();
      return rows.map((row) => ({ key: callerKey(row.key), value: row.value }));
    },
  };
}
