import { describe, expect, it } from 'vitest';
import { encodeVector, encodeVectorArray } from './vector-binary.js';

describe('pgvector binary format', () => {
  it('encodes a vector as dimension, a zero word and big-endian float4 values', () => {
    const buffer = encodeVector(Float32Array.from([1, -2.5]));
    expect(buffer.readInt16BE(0)).toBe(2);
    expect(buffer.readInt16BE(2)).toBe(0);
    expect(buffer.readFloatBE(4)).toBe(1);
    expect(buffer.readFloatBE(8)).toBe(-2.5);
    expect(buffer).toHaveLength(12);
  });

  it('encodes an array of vectors with the element type and per-element lengths', () => {
    const buffer = encodeVectorArray([Float32Array.from([1, 2]), Float32Array.from([3, 4])], 16388);
    expect(buffer.readInt32BE(0)).toBe(1);
    expect(buffer.readInt32BE(4)).toBe(0);
    expect(buffer.readUInt32BE(8)).toBe(16388);
    expect(buffer.readInt32BE(12)).toBe(2);
    expect(buffer.readInt32BE(16)).toBe(1);
    expect(buffer.readInt32BE(20)).toBe(12);
    expect(buffer.subarray(24, 36)).toEqual(encodeVector(Float32Array.from([1, 2])));
    expect(buffer.readInt32BE(36)).toBe(12);
    expect(buffer.readFloatBE(48)).toBe(4);
    expect(buffer).toHaveLength(52);
  });
});
