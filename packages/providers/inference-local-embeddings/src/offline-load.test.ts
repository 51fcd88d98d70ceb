import net from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadUniversalSentenceEncoder } from './sentence-encoder.js';

// Its own test file, so its own process: TensorFlow's WASM backend and the model are loaded here
// for the first time, with every way out to the network shut.
describe('loadUniversalSentenceEncoder', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('loads the bundled model and its WASM backend without touching the network', async () => {
    const attempts: string[] = [];
    vi.spyOn(globalThis, 'fetch').mockImplementation(async (url) => {
      attempts.push(`fetch ${String(url)}`);
      throw new Error('network is off in this test');
    });
    vi.spyOn(net.Socket.prototype, 'connect').mockImplementation(function (this: net.Socket, ...args: unknown[]) {
      attempts.push(`socket ${JSON.stringify(args[0])}`);
      throw new Error('network is off in this test');
    });

    const encoder = await loadUniversalSentenceEncoder();
    try {
      const [vector] = await encoder.embed(['offline sentence embeddings']);
      expect(vector).toHaveLength(512);
      expect(encoder.dimensions).toBe(512);
      expect(encoder.tokenize('The cat sat on the mat')).toHaveLength(7);
      expect(attempts).toEqual([]);
    } finally {
      encoder.dispose();
    }
  });
});
