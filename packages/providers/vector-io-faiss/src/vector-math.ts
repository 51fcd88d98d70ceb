/**
 * Small numeric helpers shared by the indexes: dot products over slices of flat `Float32Array`
 * storage, normalisation, a seeded random generator, and the base64 form of vectors used in
 * persisted records.
 */

/** Dot product of `length` floats starting at `aOffset` in `a` and `bOffset` in `b`. */
export function dotAt(a: Float32Array, aOffset: number, b: Float32Array, bOffset: number, length: number): number {
  // Four accumulators let the engine overlap the multiply-adds.
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let index = 0;
  const end = length - 3;
  for (; index < end; index += 4) {
    s0 += a[aOffset + index] * b[bOffset + index];
    s1 += a[aOffset + index + 1] * b[bOffset + index + 1];
    s2 += a[aOffset + index + 2] * b[bOffset + index + 2];
    s3 += a[aOffset + index + 3] * b[bOffset + index + 3];
  }
  for (; index < length; index += 1) s0 += a[aOffset + index] * b[bOffset + index];
  return s0 + s1 + s2 + s3;
}

/**
 * Writes `vector` scaled to unit length into `target` at `offset` (a zero vector stays zero, so
 * its cosine with anything is 0, as `cosineSimilarity` defines it).
 */
export function writeNormalized(vector: ArrayLike<number>, target: Float32Array, offset: number): void {
  let norm = 0;
  for (let index = 0; index < vector.length; index += 1) norm += vector[index] * vector[index];
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  for (let index = 0; index < vector.length; index += 1) target[offset + index] = vector[index] * scale;
}

/** A unit-length copy of `vector` (all zeros for a zero vector). */
export function normalized(vector: ArrayLike<number>): Float32Array {
  const result = new Float32Array(vector.length);
  writeNormalized(vector, result, 0);
  return result;
}

/** Mulberry32: a tiny deterministic generator; `next()` returns a float in [0, 1). */
export class SeededRandom {
  constructor(private state: number) {
    this.state = state >>> 0;
  }

  /** The internal state, to resume the same sequence later. */
  get seed(): number {
    return this.state;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}

/** Little-endian float32 bytes of `vector`, as base64. */
export function encodeVector(vector: Float32Array): string {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64');
}

/** The inverse of `encodeVector`. */
export function decodeVector(encoded: string): Float32Array {
  const bytes = Buffer.from(encoded, 'base64');
  const vector = new Float32Array(bytes.byteLength >>> 2);
  new Uint8Array(vector.buffer).set(bytes.subarray(0, vector.byteLength));
  return vector;
}

/** Whether every component is a finite number. */
export function isFiniteVector(vector: ArrayLike<number>): boolean {
  for (let index = 0; index < vector.length; index += 1) if (!Number.isFinite(vector[index])) return false;
  return true;
}
