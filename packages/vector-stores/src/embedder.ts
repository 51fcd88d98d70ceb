import { createRequestContext, UpstreamError, type RequestContext } from '@stack/core';
import type { InferenceApi } from '@stack/inference-api';

/** The part of the inference API vector stores call. */
export type VectorStoreInference = Pick<InferenceApi, 'embeddings' | 'chatCompletion'>;

/** Decodes an embedding as the API returns it: floats, or base64 of little-endian float32. */
export function toFloat32(embedding: number[] | string): Float32Array {
  if (typeof embedding !== 'string') return Float32Array.from(embedding);
  const bytes = Buffer.from(embedding, 'base64');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const vector = new Float32Array(Math.floor(bytes.byteLength / 4));
  for (let index = 0; index < vector.length; index += 1) vector[index] = view.getFloat32(index * 4, true);
  return vector;
}

/** Rejects as soon as `signal` aborts, so a stuck upstream call never holds up a cancellation. */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** Embeds texts with one model through the inference API, in batches, and learns model dimensions. */
export class Embedder {
  private readonly dimensions = new Map<string, Promise<number>>();

  constructor(
    private readonly inference: VectorStoreInference,
    private readonly batchSize: number,
  ) {}

  /**
   * One vector per text, in order. `expectedDimension`, when given, is checked for every vector.
   * Between batches the context's signal is checked, so an aborted ingestion stops early.
   */
  async embed(model: string, texts: readonly string[], options: { context?: RequestContext; expectedDimension?: number } = {}): Promise<Float32Array[]> {
    const context = options.context ?? createRequestContext();
    const vectors: Float32Array[] = [];
    for (let start = 0; start < texts.length; start += this.batchSize) {
      context.signal.throwIfAborted();
      const batch = texts.slice(start, start + this.batchSize);
      const response = await untilAborted(this.inference.embeddings({ model, input: batch }, context), context.signal);
      if (response.data.length !== batch.length) {
        throw new UpstreamError(`Embedding model '${model}' returned ${response.data.length} embeddings for ${batch.length} texts.`);
      }
      const ordered = [...response.data].sort((a, b) => a.index - b.index);
      for (const item of ordered) {
        const vector = toFloat32(item.embedding);
        if (options.expectedDimension !== undefined && vector.length !== options.expectedDimension) {
          throw new UpstreamError(
            `Embedding model '${model}' returned ${vector.length}-dimensional embeddings; the vector store expects ${options.expectedDimension}.`,
          );
        }
        vectors.push(vector);
      }
    }
    return vectors;
  }

  /** The model's embedding length, learned by embedding a short probe text once per model. */
  dimensionOf(model: string, context?: RequestContext): Promise<number> {
    let known = this.dimensions.get(model);
    if (!known) {
      known = this.embed(model, ['dimension probe'], { context }).then((vectors) => {
        const length = (vectors[0] as Float32Array).length;
        if (length === 0) throw new UpstreamError(`Embedding model '${model}' returned an empty embedding.`);
        return length;
      });
      // A failure (model not registered, server down) is not remembered: the next call retries.
      known.catch(() => this.dimensions.delete(model));
      this.dimensions.set(model, known);
    }
    return known;
  }
}
