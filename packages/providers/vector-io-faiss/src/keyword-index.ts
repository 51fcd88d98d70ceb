import { keywordTokens } from '@stack/vector-io-api';
import { TopK } from './heap.js';
import type { AcceptId, VectorSearchResult } from './vector-index.js';

/** BM25 term-frequency saturation. */
export const BM25_K1 = 1.2;
/** BM25 length normalisation. */
export const BM25_B = 0.75;

/**
 * An in-memory inverted index scored with Okapi BM25 (k1 1.2, b 0.75, idf
 * ln(1 + (N − df + 0.5)/(df + 0.5))), over the tokens `keywordTokens` produces. Documents get
 * internal numbers; removal marks the number dead and fixes the document frequencies at once,
 * and the dead postings are swept out (with renumbering) once they outnumber the live documents.
 */
export class KeywordIndex {
  private readonly termNumbers = new Map<string, number>();
  private readonly terms: Array<string | undefined> = [];
  /** Per term: its postings as (document, frequency) pairs, interleaved. */
  private postings: Array<Int32Array | undefined> = [];
  /** Per term: postings in use (pairs). */
  private postingCounts = new Int32Array(1024);
  /** Per term: postings whose document is live (the document frequency). */
  private documentFrequencies = new Int32Array(1024);
  private readonly freeTerms: number[] = [];
  private readonly docNumbers = new Map<string, number>();
  private docIds: Array<string | undefined> = [];
  private docLengths = new Int32Array(1024);
  /** Each document's distinct term numbers, to update document frequencies on removal. */
  private docTerms: Array<Int32Array | undefined> = [];
  private nextDoc = 0;
  private deadDocs = 0;
  private totalLength = 0;
  private scores = new Float64Array(0);
  /** Scratch term counts while adding a document; all zero between calls. */
  private counts = new Int32Array(1024);

  /** Number of documents held. */
  get size(): number {
    return this.docNumbers.size;
  }

  has(id: string): boolean {
    return this.docNumbers.has(id);
  }

  /** Indexes `text` under `id`, replacing an earlier text of the same id. */
  add(id: string, text: string): void {
    this.remove(id);
    const tokens = keywordTokens(text);
    // Term frequencies are counted in a scratch array indexed by term number (no map per document).
    const distinctTerms: number[] = [];
    for (const token of tokens) {
      const term = this.termNumber(token);
      if (term >= this.counts.length) this.counts = grown(this.counts, term + 1);
      if (this.counts[term] === 0) distinctTerms.push(term);
      this.counts[term] += 1;
    }
    const doc = this.nextDoc;
    this.nextDoc += 1;
    if (doc >= this.docLengths.length) this.docLengths = grown(this.docLengths, doc + 1);
    this.docIds[doc] = id;
    this.docLengths[doc] = tokens.length;
    this.docNumbers.set(id, doc);
    this.totalLength += tokens.length;
    const distinct = Int32Array.from(distinctTerms);
    for (const term of distinctTerms) {
      this.append(term, doc, this.counts[term]);
      this.counts[term] = 0;
    }
    this.docTerms[doc] = distinct;
  }

  /** Removes a document; false when it was absent. */
  remove(id: string): boolean {
    const doc = this.docNumbers.get(id);
    if (doc === undefined) return false;
    this.docNumbers.delete(id);
    this.docIds[doc] = undefined;
    this.totalLength -= this.docLengths[doc];
    for (const term of this.docTerms[doc] as Int32Array) this.documentFrequencies[term] -= 1;
    this.docTerms[doc] = undefined;
    this.deadDocs += 1;
    if (this.deadDocs > Math.max(1024, this.docNumbers.size)) this.compact();
    return true;
  }

  /**
   * The `k` best documents for `query` by BM25, best first (ties by id), among accepted ids when
   * `accept` is given. Only documents containing at least one query term are returned, each
   * with a positive score.
   */
  search(query: string, k: number, accept?: AcceptId): VectorSearchResult[] {
    const documentCount = this.docNumbers.size;
    if (k <= 0 || documentCount === 0) return [];
    const queryTerms = new Set(keywordTokens(query));
    if (this.scores.length < this.nextDoc) this.scores = new Float64Array(Math.max(this.nextDoc, this.scores.length * 2));
    const scores = this.scores;
    const touched: number[] = [];
    const averageLength = this.totalLength / documentCount || 1;
    for (const token of queryTerms) {
      const term = this.termNumbers.get(token);
      if (term === undefined) continue;
      const frequencyOfTerm = this.documentFrequencies[term];
      if (frequencyOfTerm === 0) continue;
      const idf = Math.log(1 + (documentCount - frequencyOfTerm + 0.5) / (frequencyOfTerm + 0.5));
      const postings = this.postings[term] as Int32Array;
      const end = 2 * this.postingCounts[term];
      for (let index = 0; index < end; index += 2) {
        const doc = postings[index];
        if (this.docIds[doc] === undefined) continue;
        const frequency = postings[index + 1];
        const norm = BM25_K1 * (1 - BM25_B + (BM25_B * this.docLengths[doc]) / averageLength);
        if (scores[doc] === 0) touched.push(doc);
        scores[doc] += (idf * frequency * (BM25_K1 + 1)) / (frequency + norm);
      }
    }
    const top = new TopK(k, (a, b) => (this.docIds[a] as string) > (this.docIds[b] as string));
    for (const doc of touched) {
      const score = scores[doc];
      scores[doc] = 0;
      if (score > 0 && (!accept || accept(this.docIds[doc] as string))) top.offer(score, doc);
    }
    return top
      .drain()
      .map(({ value, score }) => ({ id: this.docIds[value] as string, score }))
      .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  private termNumber(token: string): number {
    let term = this.termNumbers.get(token);
    if (term === undefined) {
      term = this.freeTerms.pop() ?? this.terms.length;
      this.termNumbers.set(token, term);
      this.terms[term] = token;
      this.postings[term] = new Int32Array(8);
      if (term >= this.postingCounts.length) {
        this.postingCounts = grown(this.postingCounts, term + 1);
        this.documentFrequencies = grown(this.documentFrequencies, term + 1);
      }
      this.postingCounts[term] = 0;
      this.documentFrequencies[term] = 0;
    }
    return term;
  }

  private append(term: number, doc: number, frequency: number): void {
    let postings = this.postings[term] as Int32Array;
    const at = 2 * this.postingCounts[term];
    if (at === postings.length) {
      postings = grown(postings, at + 2);
      this.postings[term] = postings;
    }
    postings[at] = doc;
    postings[at + 1] = frequency;
    this.postingCounts[term] += 1;
    this.documentFrequencies[term] += 1;
  }

  /** Drops dead postings, renumbers the live documents densely and frees unused terms. */
  private compact(): void {
    const renumber = new Int32Array(this.nextDoc).fill(-1);
    const docIds: Array<string | undefined> = [];
    const docTerms: Array<Int32Array | undefined> = [];
    const lengths = new Int32Array(Math.max(1024, this.docNumbers.size * 2));
    for (let doc = 0; doc < this.nextDoc; doc += 1) {
      const id = this.docIds[doc];
      if (id === undefined) continue;
      const next = docIds.length;
      renumber[doc] = next;
      docIds.push(id);
      docTerms.push(this.docTerms[doc]);
      lengths[next] = this.docLengths[doc];
      this.docNumbers.set(id, next);
    }
    for (let term = 0; term < this.postings.length; term += 1) {
      const postings = this.postings[term];
      if (!postings) continue;
      const live = this.documentFrequencies[term];
      if (live === 0) {
        this.termNumbers.delete(this.terms[term] as string);
        this.terms[term] = undefined;
        this.postings[term] = undefined;
        this.postingCounts[term] = 0;
        this.freeTerms.push(term);
        continue;
      }
      const kept = new Int32Array(Math.max(2 * live, 8));
      let count = 0;
      const end = 2 * this.postingCounts[term];
      for (let index = 0; index < end; index += 2) {
        const doc = renumber[postings[index]];
        if (doc < 0) continue;
        kept[2 * count] = doc;
        kept[2 * count + 1] = postings[index + 1];
        count += 1;
      }
      this.postings[term] = kept;
      this.postingCounts[term] = count;
    }
    this.docIds = docIds;
    this.docTerms = docTerms;
    this.docLengths = lengths;
    this.nextDoc = docIds.length;
    this.deadDocs = 0;
  }
}

/** A copy of `values` with room for at least `needed` entries (doubling). */
function grown(values: Int32Array, needed: number): Int32Array<ArrayBuffer> {
  const next = new Int32Array(Math.max(needed, values.length * 2));
  next.set(values);
  return next;
}
