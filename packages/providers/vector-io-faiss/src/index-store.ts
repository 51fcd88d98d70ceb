import type { KVStore } from '@stack/core';
import type { Attributes, Chunk, VectorIndexConfig } from '@stack/vector-io-api';

/*
 * The key layout in the provider's key-value namespace (next to @stack/vector-stores' own
 * `vector_stores:v1:` records). Ids are URI-encoded, so a `:` in one can never make a key
 * prefix match another index's keys.
 *
 *   faiss:v1:index:<id>                    the index's config
 *   faiss:v1:log:<id>:<seq>:<part>         the change log: one batch per write, split in parts
 *   faiss:v1:graph:<id>                    HNSW snapshot header (generation, parts, watermark)
 *   faiss:v1:graphpart:<id>:<gen>:<part>   HNSW snapshot data
 *
 * The KV store has no transactions, so each write is one batch of operations stored under
 * fresh keys: its parts are written in order and only the last part says how many there are.
 * A batch missing parts (a crash or a failed write) is ignored and deleted when the index is
 * next loaded, which makes every write all-or-nothing.
 */

const ROOT = 'faiss:v1:';
const SEQ_DIGITS = 12;
const PART_DIGITS = 6;
/** Largest serialised size of one part, in UTF-16 code units. */
export const MAX_PART_CHARS = 4 * 1024 * 1024;

const part = (id: string) => encodeURIComponent(id);
const pad = (value: number, digits: number) => String(value).padStart(digits, '0');

export const keys = {
  indexPrefix: `${ROOT}index:`,
  index: (id: string) => `${ROOT}index:${part(id)}`,
  logPrefix: (id: string) => `${ROOT}log:${part(id)}:`,
  log: (id: string, seq: number, partNumber: number) => `${ROOT}log:${part(id)}:${pad(seq, SEQ_DIGITS)}:${pad(partNumber, PART_DIGITS)}`,
  graph: (id: string) => `${ROOT}graph:${part(id)}`,
  graphPartPrefix: (id: string) => `${ROOT}graphpart:${part(id)}:`,
  graphPart: (id: string, generation: number, partNumber: number) =>
    `${ROOT}graphpart:${part(id)}:${pad(generation, SEQ_DIGITS)}:${pad(partNumber, PART_DIGITS)}`,
};

/** A chunk version as logged: everything needed to rebuild the chunk, its vector and its keyword entry. */
export interface PutOperation {
  op: 'put';
  id: string;
  /** The sequence number of the write that created this version (kept when compaction copies it). */
  rev: number;
  chunk: Chunk;
  text: string;
  /** The embedding as given, little-endian float32, base64. */
  embedding: string;
  attributes: Attributes;
  fileId?: string;
  position?: number;
}

export interface DeleteOperation {
  op: 'delete';
  ids: string[];
}

export interface AttributesOperation {
  op: 'attributes';
  fileId: string;
  attributes: Attributes;
}

export type LogOperation = PutOperation | DeleteOperation | AttributesOperation;

interface LogPart {
  seq: number;
  part: number;
  /** Present on the last part only: how many parts the batch has. */
  parts?: number;
  ops: LogOperation[];
}

/** The HNSW snapshot header. */
export interface GraphHeader {
  generation: number;
  parts: number;
  /** Every chunk version with `rev <= watermark` that was live at snapshot time is in the graph. */
  watermark: number;
  m: number;
  dimension: number;
  nodes: number;
}

/** Upper bound (inclusive) for keys starting with `prefix`: every key used here is ASCII. */
const prefixEnd = (prefix: string) => `${prefix}\uffff`;

const SEQ_FROM_KEY = /:(\d+):(\d+)$/;

function parseSeqAndPart(key: string): { seq: number; part: number } | undefined {
  const match = SEQ_FROM_KEY.exec(key);
  return match ? { seq: Number(match[1]), part: Number(match[2]) } : undefined;
}

/** Keys under `prefix`, grouped by the `<seq>` before their part number, ascending. */
async function groupedKeys(kv: KVStore, prefix: string): Promise<Array<{ seq: number; keys: string[] }>> {
  const all = await kv.keysInRange(prefix, prefixEnd(prefix));
  const groups: Array<{ seq: number; keys: string[] }> = [];
  for (const key of all) {
    const parsed = parseSeqAndPart(key);
    if (!parsed) continue;
    const last = groups[groups.length - 1];
    if (last && last.seq === parsed.seq) last.keys.push(key);
    else groups.push({ seq: parsed.seq, keys: [key] });
  }
  return groups;
}

/**
 * Writes a batch of serialised operations as parts under `seq`, in order, the last part
 * carrying the part count. On a failure the parts already written are deleted (best effort;
 * an incomplete batch is ignored on load anyway) and the error is rethrown.
 */
export async function writeBatch(kv: KVStore, indexId: string, seq: number, serializedOps: Iterable<string>): Promise<void> {
  const writer = new BatchWriter(kv, indexId, seq);
  try {
    for (const op of serializedOps) await writer.add(op);
    await writer.finish();
  } catch (error) {
    await writer.abandon();
    throw error;
  }
}

/** Streams serialised operations into the parts of one batch. */
export class BatchWriter {
  private buffer: string[] = [];
  private bufferChars = 0;
  private written: string[] = [];

  constructor(
    private readonly kv: KVStore,
    private readonly indexId: string,
    private readonly seq: number,
  ) {}

  async add(serializedOp: string): Promise<void> {
    if (this.buffer.length > 0 && this.bufferChars + serializedOp.length > MAX_PART_CHARS) await this.flush(false);
    this.buffer.push(serializedOp);
    this.bufferChars += serializedOp.length + 1;
  }

  async finish(): Promise<void> {
    await this.flush(true);
  }

  /** Deletes what was written (best effort). */
  async abandon(): Promise<void> {
    for (const key of this.written) await this.kv.delete(key).catch(() => undefined);
  }

  private async flush(last: boolean): Promise<void> {
    const partNumber = this.written.length;
    const header = last ? `{"seq":${this.seq},"part":${partNumber},"parts":${partNumber + 1},"ops":[` : `{"seq":${this.seq},"part":${partNumber},"ops":[`;
    const key = keys.log(this.indexId, this.seq, partNumber);
    await this.kv.set(key, `${header}${this.buffer.join(',')}]}`);
    this.written.push(key);
    this.buffer = [];
    this.bufferChars = 0;
  }
}

/** What scanning an index's log found. */
export interface LogScan {
  /** The highest sequence number in any key, complete or not. */
  maxSeq: number;
  /** Keys of complete batches, oldest first. */
  completeKeys: string[];
  /** Keys of incomplete batches (to delete). */
  incompleteKeys: string[];
}

const PART_HEADER = /^\{"seq":(\d+),"part":(\d+)(?:,"parts":(\d+))?,"ops":/;

/** The part count the last part of a batch declares (its header is written by `BatchWriter`). */
function declaredParts(value: string | undefined): number | undefined {
  const match = value === undefined ? null : PART_HEADER.exec(value);
  return match?.[3] === undefined ? undefined : Number(match[3]);
}

/** Sorts an index's log keys into complete and incomplete batches, reading only each batch's last part. */
export async function scanLog(kv: KVStore, indexId: string): Promise<LogScan> {
  const groups = await groupedKeys(kv, keys.logPrefix(indexId));
  const scan: LogScan = { maxSeq: 0, completeKeys: [], incompleteKeys: [] };
  for (const group of groups) {
    scan.maxSeq = Math.max(scan.maxSeq, group.seq);
    const parts = declaredParts(await kv.get(group.keys[group.keys.length - 1] as string));
    const complete = parts === group.keys.length && group.keys.every((key, index) => parseSeqAndPart(key)?.part === index);
    (complete ? scan.completeKeys : scan.incompleteKeys).push(...group.keys);
  }
  return scan;
}

/** The operations of the given log parts, one part at a time, in order. */
export async function* logParts(kv: KVStore, keysToRead: readonly string[]): AsyncGenerator<LogOperation[]> {
  for (const key of keysToRead) {
    const value = await kv.get(key);
    if (value === undefined) throw new Error(`The faiss log part ${key} vanished while it was being read.`);
    yield (JSON.parse(value) as LogPart).ops;
  }
}

/** Deletes keys one by one, in the order given. */
export async function deleteKeys(kv: KVStore, keysToDelete: Iterable<string>): Promise<void> {
  for (const key of keysToDelete) await kv.delete(key);
}

/** Deletes every key of an index: log, snapshot and config. */
export async function purgeIndex(kv: KVStore, indexId: string): Promise<void> {
  await kv.delete(keys.index(indexId));
  await kv.delete(keys.graph(indexId));
  for (const prefix of [keys.logPrefix(indexId), keys.graphPartPrefix(indexId)]) {
    await deleteKeys(kv, await kv.keysInRange(prefix, prefixEnd(prefix)));
  }
}

/** Every index config persisted. */
export async function listIndexConfigs(kv: KVStore): Promise<VectorIndexConfig[]> {
  const entries = await kv.entriesWithPrefix(keys.indexPrefix);
  return entries.map((entry) => JSON.parse(entry.value) as VectorIndexConfig);
}

export function saveIndexConfig(kv: KVStore, config: VectorIndexConfig): Promise<void> {
  return kv.set(keys.index(config.vectorStoreId), JSON.stringify(config));
}

/**
 * Writes a graph snapshot (an opaque string) as a new generation: parts first, then the header
 * that points at them, then the previous generation's parts are deleted.
 */
export async function saveGraph(kv: KVStore, indexId: string, header: Omit<GraphHeader, 'parts'>, data: string): Promise<void> {
  let parts = 0;
  for (let offset = 0; offset < data.length || parts === 0; offset += MAX_PART_CHARS) {
    await kv.set(keys.graphPart(indexId, header.generation, parts), data.slice(offset, offset + MAX_PART_CHARS));
    parts += 1;
  }
  await kv.set(keys.graph(indexId), JSON.stringify({ ...header, parts }));
  const prefix = keys.graphPartPrefix(indexId);
  const stale = (await kv.keysInRange(prefix, prefixEnd(prefix))).filter((key) => parseSeqAndPart(key)?.seq !== header.generation);
  await deleteKeys(kv, stale);
}

/** The current graph snapshot's header, if there is one. */
export async function loadGraphHeader(kv: KVStore, indexId: string): Promise<GraphHeader | undefined> {
  const headerValue = await kv.get(keys.graph(indexId));
  return headerValue === undefined ? undefined : (JSON.parse(headerValue) as GraphHeader);
}

/** The current graph snapshot, or undefined when there is none or its parts are missing. */
export async function loadGraph(kv: KVStore, indexId: string): Promise<{ header: GraphHeader; data: string } | undefined> {
  const header = await loadGraphHeader(kv, indexId);
  if (header === undefined) return undefined;
  const pieces: string[] = [];
  for (let partNumber = 0; partNumber < header.parts; partNumber += 1) {
    const piece = await kv.get(keys.graphPart(indexId, header.generation, partNumber));
    if (piece === undefined) return undefined;
    pieces.push(piece);
  }
  return { header, data: pieces.join('') };
}
