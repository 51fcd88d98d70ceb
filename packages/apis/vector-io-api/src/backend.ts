import type { AttributeFilter, Attributes, Chunk } from './schemas.js';

/*
 * The index backend contract: what a vector-io provider stores and searches. Everything OpenAI's
 * vector-store API adds on top (files, batches, ingestion, expiry) is shared code in
 * `@stack/vector-stores`; a backend only keeps chunks with their vectors and answers queries.
 */

export interface VectorIndexConfig {
  vectorStoreId: string;
  /** Length of every vector in this index. */
  dimension: number;
  embeddingModel: string;
}

/** One chunk as a backend stores it. */
export interface IndexedChunk {
  /** Unique within the index; inserting an existing id replaces that chunk. */
  chunkId: string;
  /** The chunk as the API returns it (content, metadata, chunk_metadata; no embedding needed). */
  chunk: Chunk;
  /** The text searched by keyword (the chunk's text content). */
  text: string;
  /** Unit-length not required; backends compare by cosine. Length must equal the index dimension. */
  embedding: Float32Array;
  /** The vector-store file the chunk came from, if any (`deleteChunks({fileId})`, `listFileChunks`). */
  fileId?: string | undefined;
  /** Position of the chunk within its file, for `listFileChunks` order. */
  position?: number | undefined;
  /** Filterable attributes (the file's attributes, or a raw chunk's scalar metadata). */
  attributes: Attributes;
}

/** Hybrid search fusion: reciprocal-rank fusion (`rrf`, constant `impactFactor`, default 60) or a weighted sum of normalised scores (`alpha` on the vector side, default 0.5). */
export type HybridRanker = { type: 'rrf'; impactFactor?: number | undefined } | { type: 'weighted'; alpha?: number | undefined };

export interface IndexQuery {
  mode: 'vector' | 'keyword' | 'hybrid';
  /** Required for `vector` and `hybrid`. */
  embedding?: Float32Array | undefined;
  /** Required for `keyword` and `hybrid`. */
  text?: string | undefined;
  /** Most hits to return. */
  k: number;
  /** Only chunks whose attributes match. Must be applied before taking the top k. */
  filters?: AttributeFilter | undefined;
  /** Drop hits scoring below this. */
  scoreThreshold?: number | undefined;
  /** For `hybrid` (default rrf). */
  ranker?: HybridRanker | undefined;
}

/**
 * A hit, best first. Scores: `vector` → cosine similarity (1 − cosine distance); `keyword` → a
 * positive relevance (BM25-style; higher is better); `hybrid` → the fused score.
 */
export interface IndexHit {
  chunkId: string;
  chunk: Chunk;
  fileId?: string | undefined;
  attributes: Attributes;
  score: number;
}

export interface VectorIndexBackend {
  /** Creates the index if it does not exist (idempotent; an existing index keeps its chunks). */
  createIndex(config: VectorIndexConfig): Promise<void>;
  /** Drops the index and every chunk in it; unknown ids are ignored. */
  deleteIndex(vectorStoreId: string): Promise<void>;
  /** Inserts or replaces chunks (by chunkId) atomically: all or none. */
  upsertChunks(vectorStoreId: string, chunks: readonly IndexedChunk[]): Promise<void>;
  /** Removes the chunks named, or every chunk of a file. */
  deleteChunks(vectorStoreId: string, selector: { chunkIds?: readonly string[]; fileId?: string }): Promise<void>;
  query(vectorStoreId: string, query: IndexQuery): Promise<IndexHit[]>;
  /** The chunks of one file, by position. */
  listFileChunks(vectorStoreId: string, fileId: string): Promise<Chunk[]>;
  /** Replaces the filterable attributes of every chunk of a file. */
  updateFileAttributes(vectorStoreId: string, fileId: string, attributes: Attributes): Promise<void>;
  /** Number of chunks in the index. */
  countChunks(vectorStoreId: string): Promise<number>;
  close(): Promise<void>;
}
