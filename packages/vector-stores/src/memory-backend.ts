import { InvalidRequestError } from '@stack/core';
import {
  cosineSimilarity,
  fuseHybrid,
  matchesFilter,
  type Attributes,
  type Chunk,
  type IndexedChunk,
  type IndexHit,
  type IndexQuery,
  type VectorIndexBackend,
  type VectorIndexConfig,
} from '@stack/vector-io-api';
import { bm25Scores, keywordDocument, type KeywordDocument } from './keyword-index.js';

interface StoredChunk {
  chunkId: string;
  chunk: Chunk;
  embedding: Float32Array;
  fileId: string | undefined;
  position: number | undefined;
  attributes: Attributes;
  keywords: KeywordDocument;
}

interface MemoryIndex {
  config: VectorIndexConfig;
  chunks: Map<string, StoredChunk>;
}

function toHit(stored: StoredChunk, score: number): IndexHit {
  return {
    chunkId: stored.chunkId,
    chunk: structuredClone(stored.chunk),
    fileId: stored.fileId,
    attributes: { ...stored.attributes },
    score,
  };
}

function byScore(a: { score: number; chunkId: string }, b: { score: number; chunkId: string }): number {
  return b.score - a.score || a.chunkId.localeCompare(b.chunkId);
}

/**
 * An exact, in-memory index backend: brute-force cosine similarity, BM25 keyword scoring and
 * hybrid fusion over chunks held in a `Map`. Nothing is persisted, and `close()` drops every
 * index. Meant for ephemeral stores and tests; it passes the backend conformance suite.
 */
export function createMemoryIndexBackend(): VectorIndexBackend {
  const indexes = new Map<string, MemoryIndex>();

  const indexOf = (vectorStoreId: string): MemoryIndex => {
    const index = indexes.get(vectorStoreId);
    if (!index) throw new InvalidRequestError(`Vector index '${vectorStoreId}' does not exist.`, { code: 'not_found' });
    return index;
  };

  const requireDimension = (index: MemoryIndex, embedding: Float32Array, what: string) => {
    if (embedding.length !== index.config.dimension) {
      throw new InvalidRequestError(
        `${what} has ${embedding.length} dimensions; vector index '${index.config.vectorStoreId}' has dimension ${index.config.dimension}.`,
      );
    }
  };

  const vectorHits = (candidates: readonly StoredChunk[], embedding: Float32Array): IndexHit[] =>
    candidates
      .map((stored) => ({ stored, chunkId: stored.chunkId, score: cosineSimilarity(embedding, stored.embedding) }))
      .sort(byScore)
      .map(({ stored, score }) => toHit(stored, score));

  const keywordHits = (index: MemoryIndex, candidates: readonly StoredChunk[], text: string): IndexHit[] => {
    const corpus = [...index.chunks.values()].map((stored) => stored.keywords);
    return bm25Scores(
      text,
      corpus,
      candidates.map((stored) => ({ item: stored, document: stored.keywords })),
    )
      .map(({ item, score }) => ({ stored: item, chunkId: item.chunkId, score }))
      .sort(byScore)
      .map(({ stored, score }) => toHit(stored, score));
  };

  return {
    async createIndex(config) {
      if (!indexes.has(config.vectorStoreId)) indexes.set(config.vectorStoreId, { config: { ...config }, chunks: new Map() });
    },

    async deleteIndex(vectorStoreId) {
      indexes.delete(vectorStoreId);
    },

    async upsertChunks(vectorStoreId, chunks: readonly IndexedChunk[]) {
      const index = indexOf(vectorStoreId);
      chunks.forEach((chunk, position) => requireDimension(index, chunk.embedding, `Chunk ${position} ('${chunk.chunkId}')`));
      for (const chunk of chunks) {
        index.chunks.set(chunk.chunkId, {
          chunkId: chunk.chunkId,
          chunk: structuredClone(chunk.chunk),
          embedding: Float32Array.from(chunk.embedding),
          fileId: chunk.fileId,
          position: chunk.position,
          attributes: { ...chunk.attributes },
          keywords: keywordDocument(chunk.text),
        });
      }
    },

    async deleteChunks(vectorStoreId, selector) {
      const index = indexOf(vectorStoreId);
      for (const chunkId of selector.chunkIds ?? []) index.chunks.delete(chunkId);
      if (selector.fileId !== undefined) {
        for (const [chunkId, stored] of index.chunks) if (stored.fileId === selector.fileId) index.chunks.delete(chunkId);
      }
    },

    async query(vectorStoreId, query: IndexQuery) {
      const index = indexOf(vectorStoreId);
      const filters = query.filters;
      const candidates = [...index.chunks.values()].filter((stored) => !filters || matchesFilter(filters, stored.attributes));
      const needsEmbedding = query.mode !== 'keyword';
      const needsText = query.mode !== 'vector';
      if (needsEmbedding && !query.embedding) throw new InvalidRequestError(`A ${query.mode} query needs an embedding.`, { param: 'embedding' });
      if (needsText && query.text === undefined) throw new InvalidRequestError(`A ${query.mode} query needs a text.`, { param: 'text' });
      if (query.embedding && needsEmbedding) requireDimension(index, query.embedding, 'The query embedding');

      let hits: IndexHit[];
      if (query.mode === 'vector') hits = vectorHits(candidates, query.embedding as Float32Array).slice(0, query.k);
      else if (query.mode === 'keyword') hits = keywordHits(index, candidates, query.text as string).slice(0, query.k);
      else {
        hits = fuseHybrid(
          vectorHits(candidates, query.embedding as Float32Array),
          keywordHits(index, candidates, query.text as string),
          query.ranker,
          query.k,
        );
      }
      const threshold = query.scoreThreshold;
      return threshold === undefined ? hits : hits.filter((hit) => hit.score >= threshold);
    },

    async listFileChunks(vectorStoreId, fileId) {
      const index = indexOf(vectorStoreId);
      return [...index.chunks.values()]
        .filter((stored) => stored.fileId === fileId)
        .sort((a, b) => (a.position ?? 0) - (b.position ?? 0) || a.chunkId.localeCompare(b.chunkId))
        .map((stored) => structuredClone(stored.chunk));
    },

    async updateFileAttributes(vectorStoreId, fileId, attributes) {
      const index = indexOf(vectorStoreId);
      for (const stored of index.chunks.values()) if (stored.fileId === fileId) stored.attributes = { ...attributes };
    },

    async countChunks(vectorStoreId) {
      return indexOf(vectorStoreId).chunks.size;
    },

    async close() {
      indexes.clear();
    },
  };
}
