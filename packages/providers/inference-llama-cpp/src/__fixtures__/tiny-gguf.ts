import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The tiny random llama model from `tools/generate-tiny-gguf.mjs`, written to a fresh temporary
 * directory. Loaded by URL: the script is plain JavaScript outside this package.
 */
export async function writeTinyModel(): Promise<{ path: string; remove: () => void }> {
  const script = new URL('../../../../../tools/generate-tiny-gguf.mjs', import.meta.url).href;
  const { writeTinyGguf } = (await import(script)) as { writeTinyGguf(path: string): string };
  const directory = mkdtempSync(join(tmpdir(), 'stack-llama-cpp-'));
  const path = writeTinyGguf(join(directory, 'tiny-random-llama.gguf'));
  return { path, remove: () => rmSync(directory, { recursive: true, force: true }) };
}

/** The tiny model's embedding size (`llama.embedding_length`). */
export const tinyEmbeddingDimension = 64;
