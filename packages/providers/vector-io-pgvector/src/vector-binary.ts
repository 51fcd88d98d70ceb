/*
 * pgvector's binary wire format, so vectors travel as raw float32 instead of decimal text.
 * node-postgres sends a `Buffer` parameter in binary format, and the server decodes it with the
 * receive function of the parameter's declared type (`$1::vector`, `$1::vector[]`).
 *
 *   vector:   int16 dimension, int16 unused (0), dimension × float4 (big-endian)
 *   vector[]: int32 ndim (1), int32 has-nulls (0), uint32 element type oid,
 *             int32 length, int32 lower bound (1), then per element int32 byte length + vector
 */

const VECTOR_HEADER_BYTES = 4;
const ARRAY_HEADER_BYTES = 20;

function vectorBytes(dimension: number): number {
  return VECTOR_HEADER_BYTES + 4 * dimension;
}

function writeVector(buffer: Buffer, offset: number, vector: ArrayLike<number>): number {
  buffer.writeInt16BE(vector.length, offset);
  buffer.writeInt16BE(0, offset + 2);
  let position = offset + VECTOR_HEADER_BYTES;
  for (let index = 0; index < vector.length; index += 1) {
    buffer.writeFloatBE(vector[index] as number, position);
    position += 4;
  }
  return position;
}

/** One vector in pgvector's binary format, for a `$n::vector` parameter. */
export function encodeVector(vector: ArrayLike<number>): Buffer {
  const buffer = Buffer.allocUnsafe(vectorBytes(vector.length));
  writeVector(buffer, 0, vector);
  return buffer;
}

/** A one-dimensional array of vectors in PostgreSQL's binary array format, for a `$n::vector[]` parameter. */
export function encodeVectorArray(vectors: readonly ArrayLike<number>[], vectorTypeOid: number): Buffer {
  let size = ARRAY_HEADER_BYTES;
  for (const vector of vectors) size += 4 + vectorBytes(vector.length);
  const buffer = Buffer.allocUnsafe(size);
  buffer.writeInt32BE(1, 0);
  buffer.writeInt32BE(0, 4);
  buffer.writeUInt32BE(vectorTypeOid, 8);
  buffer.writeInt32BE(vectors.length, 12);
  buffer.writeInt32BE(1, 16);
  let offset = ARRAY_HEADER_BYTES;
  for (const vector of vectors) {
    buffer.writeInt32BE(vectorBytes(vector.length), offset);
    offset = writeVector(buffer, offset + 4, vector);
  }
  return buffer;
}
