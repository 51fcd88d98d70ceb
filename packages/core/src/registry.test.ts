import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError } from './errors.js';
import { ResourceRegistry, RoutingTable, type Resource } from './registry.js';
import type { KVStore } from './storage/types.js';

/** The registry's logic only; storage backends have their own suite. */
function memoryStore(): KVStore {
  const map = new Map<string, string>();
  const sorted = () => [...map.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
  return {
    get: async (key) => map.get(key),
    set: async (key, value) => void map.set(key, value),
    delete: async (key) => void map.delete(key),
    valuesInRange: async (start, end) => sorted().filter(([k]) => k >= start && k <= end).map(([, v]) => v),
    keysInRange: async (start, end) => sorted().filter(([k]) => k >= start && k <= end).map(([k]) => k),
    entriesWithPrefix: async (prefix) => sorted().filter(([k]) => k.startsWith(prefix)).map(([key, value]) => ({ key, value })),
  };
}

const model = (identifier: string, provider_id: string, provider_resource_id: string): Resource => ({
  type: 'model',
  identifier,
  provider_id,
  provider_resource_id,
  model_type: 'llm',
  metadata: {},
});

describe('ResourceRegistry', () => {
  it('registers, lists by type, and unregisters', async () => {
    const registry = new ResourceRegistry(memoryStore());
    await registry.register(model('vllm/llama', 'vllm', 'llama'));
    await registry.register({ type: 'shield', identifier: 'guard', provider_id: 'lg', provider_resource_id: 'g' });
    expect((await registry.list('model')).map((m) => m.identifier)).toEqual(['vllm/llama']);
    expect(await registry.get('model', 'vllm/llama')).toMatchObject({ provider_resource_id: 'llama', model_type: 'llm' });
    await registry.unregister('model', 'vllm/llama');
    expect(await registry.list('model')).toEqual([]);
    await expect(registry.unregister('model', 'vllm/llama')).rejects.toThrowError(NotFoundError);
  });

  it('refuses to point an identifier at another provider', async () => {
    const registry = new ResourceRegistry(memoryStore());
    await registry.register(model('m', 'vllm', 'a'));
    await registry.register(model('m', 'vllm', 'a'));
    await expect(registry.register(model('m', 'ollama', 'a'))).rejects.toThrowError(ConflictError);
  });
});

describe('RoutingTable', () => {
  it('routes registered ids, then provider prefixes, else 404', async () => {
    const registry = new ResourceRegistry(memoryStore());
    await registry.register(model('fast', 'vllm', 'meta-llama/Llama-3.2-1B'));
    const table = new RoutingTable(registry, 'model', new Map([['vllm', 'VLLM'], ['ollama', 'OLLAMA']]));
    expect(await table.route('fast')).toMatchObject({ providerId: 'vllm', provider: 'VLLM', providerResourceId: 'meta-llama/Llama-3.2-1B' });
    expect(await table.route('ollama/llama3.2:3b')).toEqual({ providerId: 'ollama', provider: 'OLLAMA', providerResourceId: 'llama3.2:3b' });
    const error = await table.route('meta-llama/Unknown').catch((e: unknown) => e);
    expect(NotFoundError.isInstance(error)).toBe(true);
    expect((error as NotFoundError).param).toBe('model');
  });

  it('reports a resource whose provider is not configured', async () => {
    const registry = new ResourceRegistry(memoryStore());
    await registry.register(model('old', 'tgi', 'x'));
    const table = new RoutingTable(registry, 'model', new Map([['vllm', 1]]));
    await expect(table.route('old')).rejects.toThrowError(/provider 'tgi', which is not configured/);
  });
});
