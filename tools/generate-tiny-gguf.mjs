#!/usr/bin/env node
/**
 * Writes a tiny, randomly initialised llama model as a GGUF v3 file (about 570 KB), for tests
 * that need a real llama.cpp model without downloading one. Its output is meaningless text, but
 * it loads in milliseconds and exercises tokenisation, sampling, grammars, streaming, stop reasons
 * and embeddings. The weights come from a fixed seed, so the same file is written every time.
 *
 *   node tools/generate-tiny-gguf.mjs <out.gguf>
 *
 * Tests import `writeTinyGguf(path)` by relative path. No dependencies beyond Node.
 */
/* global console */
import { Buffer } from 'node:buffer';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

export const tinyGgufShape = Object.freeze({
  blockCount: 2,
  embeddingLength: 64,
  feedForwardLength: 128,
  headCount: 4,
  contextLength: 512,
  vocabularySize: 448,
});

const alignment = 32;
const seed = 0x5eed1e55;

// GGUF metadata value types.
const valueType = { uint32: 4, int32: 5, float32: 6, bool: 7, string: 8, array: 9 };
// ggml tensor types.
const ggmlF32 = 0;

// Token types of the llama (SentencePiece) tokenizer.
const tokenType = { normal: 1, unknown: 2, control: 3, byte: 6 };

/** The vocabulary: specials, the 256 byte fallbacks, `▁`, then printable ASCII bare and after `▁`. */
function vocabulary() {
  const tokens = [
    { text: '<unk>', score: 0, type: tokenType.unknown },
    { text: '<s>', score: 0, type: tokenType.control },
    { text: '</s>', score: 0, type: tokenType.control },
  ];
  for (let byte = 0; byte < 256; byte++) {
    tokens.push({ text: `<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`, score: 0, type: tokenType.byte });
  }
  tokens.push({ text: '\u2581', score: -1, type: tokenType.normal });
  const printable = [];
  for (let code = 0x21; code <= 0x7e; code++) printable.push(String.fromCharCode(code));
  // SentencePiece merges the highest-scoring pair first: `▁x` beats leaving `▁` and `x` apart.
  for (const char of printable) tokens.push({ text: char, score: -2, type: tokenType.normal });
  for (const char of printable) tokens.push({ text: `\u2581${char}`, score: -1, type: tokenType.normal });
  return tokens;
}

/** mulberry32: a small seeded PRNG, so the weights (and the model's output) never change. */
function createRandom(initial) {
  let state = initial >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

function createNormal(random, deviation) {
  return () => {
    // Box-Muller; 1 - u keeps the logarithm finite.
    const u = 1 - random();
    const v = random();
    return deviation * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
}

/** Grows as it is written; GGUF is little-endian throughout. */
class ByteWriter {
  constructor() {
    this.buffer = Buffer.alloc(1 << 20);
    this.length = 0;
  }

  reserve(count) {
    if (this.length + count <= this.buffer.length) return;
    const grown = Buffer.alloc(Math.max(this.buffer.length * 2, this.length + count));
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }

  uint32(value) {
    this.reserve(4);
    this.buffer.writeUInt32LE(value, this.length);
    this.length += 4;
  }

  int32(value) {
    this.reserve(4);
    this.buffer.writeInt32LE(value, this.length);
    this.length += 4;
  }

  uint64(value) {
    this.reserve(8);
    this.buffer.writeBigUInt64LE(BigInt(value), this.length);
    this.length += 8;
  }

  float32(value) {
    this.reserve(4);
    this.buffer.writeFloatLE(value, this.length);
    this.length += 4;
  }

  bool(value) {
    this.reserve(1);
    this.buffer.writeUInt8(value ? 1 : 0, this.length);
    this.length += 1;
  }

  string(value) {
    const bytes = Buffer.from(value, 'utf8');
    this.uint64(bytes.length);
    this.reserve(bytes.length);
    bytes.copy(this.buffer, this.length);
    this.length += bytes.length;
  }

  padTo(boundary) {
    const padding = (boundary - (this.length % boundary)) % boundary;
    this.reserve(padding);
    this.buffer.fill(0, this.length, this.length + padding);
    this.length += padding;
  }

  bytes() {
    return this.buffer.subarray(0, this.length);
  }
}

function tensorList() {
  const { blockCount, embeddingLength: embedding, feedForwardLength: feedForward, vocabularySize } = tinyGgufShape;
  // Dimensions in ggml order: the first one is the row length.
  const tensors = [
    { name: 'token_embd.weight', dims: [embedding, vocabularySize] },
    { name: 'output_norm.weight', dims: [embedding], norm: true },
    { name: 'output.weight', dims: [embedding, vocabularySize] },
  ];
  for (let block = 0; block < blockCount; block++) {
    const prefix = `blk.${block}`;
    tensors.push(
      { name: `${prefix}.attn_norm.weight`, dims: [embedding], norm: true },
      { name: `${prefix}.attn_q.weight`, dims: [embedding, embedding] },
      { name: `${prefix}.attn_k.weight`, dims: [embedding, embedding] },
      { name: `${prefix}.attn_v.weight`, dims: [embedding, embedding] },
      { name: `${prefix}.attn_output.weight`, dims: [embedding, embedding] },
      { name: `${prefix}.ffn_norm.weight`, dims: [embedding], norm: true },
      { name: `${prefix}.ffn_gate.weight`, dims: [embedding, feedForward] },
      { name: `${prefix}.ffn_down.weight`, dims: [feedForward, embedding] },
      { name: `${prefix}.ffn_up.weight`, dims: [embedding, feedForward] },
    );
  }
  return tensors;
}

/** The GGUF file's bytes. */
export function buildTinyGguf() {
  const { blockCount, embeddingLength, feedForwardLength, headCount, contextLength } = tinyGgufShape;
  const tokens = vocabulary();
  const tensors = tensorList();

  const metadata = [
    ['general.architecture', valueType.string, 'llama'],
    ['general.name', valueType.string, 'tiny-random-llama'],
    ['general.alignment', valueType.uint32, alignment],
    ['llama.context_length', valueType.uint32, contextLength],
    ['llama.embedding_length', valueType.uint32, embeddingLength],
    ['llama.block_count', valueType.uint32, blockCount],
    ['llama.feed_forward_length', valueType.uint32, feedForwardLength],
    ['llama.attention.head_count', valueType.uint32, headCount],
    ['llama.attention.head_count_kv', valueType.uint32, headCount],
    ['llama.rope.dimension_count', valueType.uint32, embeddingLength / headCount],
    ['llama.attention.layer_norm_rms_epsilon', valueType.float32, 1e-5],
    ['tokenizer.ggml.model', valueType.string, 'llama'],
    ['tokenizer.ggml.tokens', valueType.array, { type: valueType.string, values: tokens.map((token) => token.text) }],
    ['tokenizer.ggml.scores', valueType.array, { type: valueType.float32, values: tokens.map((token) => token.score) }],
    ['tokenizer.ggml.token_type', valueType.array, { type: valueType.int32, values: tokens.map((token) => token.type) }],
    ['tokenizer.ggml.unknown_token_id', valueType.uint32, 0],
    ['tokenizer.ggml.bos_token_id', valueType.uint32, 1],
    ['tokenizer.ggml.eos_token_id', valueType.uint32, 2],
    ['tokenizer.ggml.add_bos_token', valueType.bool, true],
    ['tokenizer.ggml.add_eos_token', valueType.bool, false],
  ];

  const writer = new ByteWriter();
  writer.uint32(0x46554747); // "GGUF"
  writer.uint32(3);
  writer.uint64(tensors.length);
  writer.uint64(metadata.length);

  const writeValue = (type, value) => {
    if (type === valueType.uint32) writer.uint32(value);
    else if (type === valueType.int32) writer.int32(value);
    else if (type === valueType.float32) writer.float32(value);
    else if (type === valueType.bool) writer.bool(value);
    else if (type === valueType.string) writer.string(value);
    else throw new Error(`Unhandled GGUF value type ${type}.`);
  };
  for (const [key, type, value] of metadata) {
    writer.string(key);
    writer.uint32(type);
    if (type === valueType.array) {
      writer.uint32(value.type);
      writer.uint64(value.values.length);
      for (const item of value.values) writeValue(value.type, item);
    } else {
      writeValue(type, value);
    }
  }

  let offset = 0;
  for (const tensor of tensors) {
    tensor.offset = offset;
    const size = tensor.dims.reduce((product, dim) => product * dim, 4);
    offset += Math.ceil(size / alignment) * alignment;
    writer.string(tensor.name);
    writer.uint32(tensor.dims.length);
    for (const dim of tensor.dims) writer.uint64(dim);
    writer.uint32(ggmlF32);
    writer.uint64(tensor.offset);
  }
  writer.padTo(alignment);

  const normal = createNormal(createRandom(seed), 0.02);
  const dataStart = writer.length;
  for (const tensor of tensors) {
    writer.padTo(alignment);
    if (writer.length - dataStart !== tensor.offset) throw new Error(`Tensor ${tensor.name} is misplaced.`);
    const count = tensor.dims.reduce((product, dim) => product * dim, 1);
    // RMS norms start at 1, as in a freshly initialised model; everything else is small noise.
    for (let index = 0; index < count; index++) writer.float32(tensor.norm ? 1 : normal());
  }
  writer.padTo(alignment);
  return writer.bytes();
}

/** Writes the tiny model to `path` and returns the absolute path. */
export function writeTinyGguf(path) {
  const target = resolve(path);
  writeFileSync(target, buildTinyGguf());
  return target;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = process.argv[2];
  if (!out) {
    console.error('Usage: node tools/generate-tiny-gguf.mjs <out.gguf>');
    process.exit(1);
  }
  const written = writeTinyGguf(out);
  console.log(`Wrote ${written}.`);
}
