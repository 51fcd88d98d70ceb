/**
 * A byte-pair encoder over tiktoken rank files. It produces exactly the tokens of the reference
 * tiktoken algorithm (split with the encoding's regular expression, then repeatedly merge the
 * adjacent pair with the lowest rank, leftmost first) but merges with a priority queue, so a long
 * piece (a run of CJK text, a base64 blob) costs O(n log n) rather than O(n²), and it caches the
 * tokens of short pieces, which repeat constantly in natural text.
 *
 * Byte strings are held as Latin-1 JavaScript strings (one char per byte): cheap to slice, hash
 * and compare.
 */

/** The shape of a `js-tiktoken/ranks/*` module. */
export interface BpeRanks {
  pat_str: string;
  special_tokens: Record<string, number>;
  bpe_ranks: string;
}

/** Rank and start offset share one number: rank · 2³² + start stays below 2⁵³. */
const SHIFT = 2 ** 32;
const CACHEABLE_PIECE_LENGTH = 32;
const MAX_CACHE_ENTRIES = 50_000;

export class BytePairEncoder {
  private readonly pattern: RegExp;
  private readonly ranks = new Map<string, number>();
  private readonly bytesOfToken: string[] = [];
  private readonly cache = new Map<string, number | number[]>();

  constructor(definition: BpeRanks) {
    this.pattern = new RegExp(definition.pat_str, 'gu');
    for (const line of definition.bpe_ranks.split('\n')) {
      if (line.length === 0) continue;
      const fields = line.split(' ');
      const offset = Number.parseInt(fields[1]!, 10);
      for (let i = 2; i < fields.length; i++) {
        const bytes = Buffer.from(fields[i]!, 'base64').toString('latin1');
        const rank = offset + i - 2;
        this.ranks.set(bytes, rank);
        this.bytesOfToken[rank] = bytes;
      }
    }
    for (const [text, rank] of Object.entries(definition.special_tokens)) {
      this.bytesOfToken[rank] = Buffer.from(text, 'utf8').toString('latin1');
    }
  }

  /** Token ids of `text`. Special-token strings such as `<|endoftext|>` are encoded as ordinary text. */
  encode(text: string): number[] {
    const tokens: number[] = [];
    const pattern = new RegExp(this.pattern);
    for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
      this.encodePiece(match[0], tokens);
    }
    return tokens;
  }

  /** The text of `tokens[start..end)`; a window that cuts a multi-byte character shows U+FFFD there. */
  decode(tokens: readonly number[], start = 0, end = tokens.length): string {
    let bytes = '';
    for (let i = start; i < end; i++) {
      const piece = this.bytesOfToken[tokens[i]!];
      if (piece === undefined) throw new RangeError(`Unknown token id ${tokens[i]} at tokens[${i}].`);
      bytes += piece;
    }
    return Buffer.from(bytes, 'latin1').toString('utf8');
  }

  private encodePiece(piece: string, out: number[]): void {
    const cacheable = piece.length <= CACHEABLE_PIECE_LENGTH;
    if (cacheable) {
      const cached = this.cache.get(piece);
      if (cached !== undefined) {
        if (typeof cached === 'number') out.push(cached);
        else for (const token of cached) out.push(token);
        return;
      }
    }
    const bytes = Buffer.from(piece, 'utf8').toString('latin1');
    const whole = this.ranks.get(bytes);
    let result: number | number[];
    if (whole !== undefined) {
      result = whole;
      out.push(whole);
    } else {
      result = this.merge(bytes);
      for (const token of result) out.push(token);
    }
    if (cacheable) {
      if (this.cache.size >= MAX_CACHE_ENTRIES) this.cache.clear();
      this.cache.set(piece, result);
    }
  }

  /** Byte-pair merges `bytes` (at least two bytes long) down to tokens. */
  private merge(bytes: string): number[] {
    const n = bytes.length;
    const ranks = this.ranks;
    // Parts are linked by their start offsets: next[start] is the part's end (-1 once merged
    // away), prev[start] the start of the part before it.
    const next = new Int32Array(n);
    const prev = new Int32Array(n);
    const queue = new MinHeap();
    for (let i = 0; i < n; i++) {
      next[i] = i + 1;
      prev[i] = i - 1;
      if (i + 1 < n) {
        const rank = ranks.get(bytes.slice(i, i + 2));
        if (rank !== undefined) queue.push(rank * SHIFT + i);
      }
    }
    while (queue.size > 0) {
      const key = queue.pop();
      const rank = Math.floor(key / SHIFT);
      const start = key - rank * SHIFT;
      const middle = next[start]!;
      if (middle < 0 || middle >= n) continue;
      const end = next[middle]!;
      // Stale entry: the pair starting here has changed since it was queued.
      if (ranks.get(bytes.slice(start, end)) !== rank) continue;
      next[start] = end;
      next[middle] = -1;
      if (end < n) {
        prev[end] = start;
        const after = ranks.get(bytes.slice(start, next[end]));
        if (after !== undefined) queue.push(after * SHIFT + start);
      }
      const before = prev[start]!;
      if (before >= 0) {
        const merged = ranks.get(bytes.slice(before, end));
        if (merged !== undefined) queue.push(merged * SHIFT + before);
      }
    }
    const tokens: number[] = [];
    for (let i = 0; i < n; i = next[i]!) tokens.push(ranks.get(bytes.slice(i, next[i]))!);
    return tokens;
  }
}

/** A binary min-heap of numbers. */
class MinHeap {
  private readonly items: number[] = [];

  get size(): number {
    return this.items.length;
  }

  push(value: number): void {
    const items = this.items;
    let i = items.length;
    items.push(value);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (items[parent]! <= value) break;
      items[i] = items[parent]!;
      i = parent;
    }
    items[i] = value;
  }

  pop(): number {
    const items = this.items;
    const top = items[0]!;
    const last = items.pop()!;
    if (items.length > 0) {
      let i = 0;
      const length = items.length;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= length) break;
        const right = left + 1;
        const child = right < length && items[right]! < items[left]! ? right : left;
        if (items[child]! >= last) break;
        items[i] = items[child]!;
        i = child;
      }
      items[i] = last;
    }
    return top;
  }
}
