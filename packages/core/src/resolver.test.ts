import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ApiName } from './apis.js';
import { ConfigurationError } from './config/run-config.js';
import { silentLogger } from './logger.js';
import type { ProviderSpec } from './provider.js';
import { resolveProviders, type ProviderEntry } from './resolver.js';
import type { StorageManager } from './storage/types.js';

const storage = { kv: async () => ({}) as never, sql: async () => ({}) as never, close: async () => {} } as StorageManager;

function spec(api: ApiName, providerType: string, events: string[], dependencies: ApiName[] = []): ProviderSpec {
  return {
    api,
    providerType,
    apiDependencies: dependencies,
    configSchema: z.object({ name: z.string().default(providerType) }),
    create: (config: { name: string }, deps) => {
      for (const dependency of dependencies) deps.api(dependency);
      events.push(`create ${config.name}`);
      return { close: () => void events.push(`close ${config.name}`) };
    },
  };
}

const entry = (api: ApiName, providerId: string, s: ProviderSpec, config: unknown = {}): ProviderEntry => ({ api, providerId, spec: s, config });

describe('resolveProviders', () => {
  it('creates providers in dependency order and closes them in reverse', async () => {
    const events: string[] = [];
    const built: string[] = [];
    const stack = await resolveProviders({
      entries: [
        entry('vector_io', 'faiss', spec('vector_io', 'inline::faiss', events, ['inference', 'files'])),
        entry('inference', 'vllm', spec('inference', 'remote::vllm', events)),
        entry('files', 'localfs', spec('files', 'inline::localfs', events)),
      ],
      storage,
      logger: silentLogger,
      buildApi: (api, providers) => {
        built.push(`${api}:${providers.map((p) => p.providerId).join(',')}`);
        return { api };
      },
    });
    const creations = events.slice(0, 3);
    expect(creations).toHaveLength(3);
    expect(creations[2]).toBe('create inline::faiss');
    expect(new Set(creations.slice(0, 2))).toEqual(new Set(['create remote::vllm', 'create inline::localfs']));
    expect(built).toContain('vector_io:faiss');
    expect(stack.apis.get('inference')).toEqual({ api: 'inference' });
    await stack.close();
    expect(events.slice(3)).toEqual(creations.reverse().map((event) => event.replace('create', 'close')));
  });

  it('reports a missing API before creating anything', async () => {
    const events: string[] = [];
    await expect(
      resolveProviders({
        entries: [entry('vector_io', 'faiss', spec('vector_io', 'inline::faiss', events, ['inference']))],
        storage,
        logger: silentLogger,
        buildApi: () => ({}),
      }),
    ).rejects.toThrowError(/needs API 'inference', which has no provider/);
    expect(events).toEqual([]);
  });

  it('reports a cycle', async () => {
    const events: string[] = [];
    await expect(
      resolveProviders({
        entries: [
          entry('safety', 's', spec('safety', 'inline::s', events, ['inference'])),
          entry('inference', 'i', spec('inference', 'inline::i', events, ['safety'])),
        ],
        storage,
        logger: silentLogger,
        buildApi: () => ({}),
      }),
    ).rejects.toThrowError(/Cycle among API dependencies: (inference → safety → inference|safety → inference → safety)/);
  });

  it('names the entry and field of an invalid provider config', async () => {
    const events: string[] = [];
    const bad = { ...entry('inference', 'vllm', spec('inference', 'remote::vllm', events), { name: 42 }), source: 'run.yaml: providers.inference[0]' };
    const error = await resolveProviders({ entries: [bad], storage, logger: silentLogger, buildApi: () => ({}) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(/run\.yaml: providers\.inference\[0\]\.config: invalid config for remote::vllm:\n {2}- name:/);
  });

  it('closes what it created when a later provider fails', async () => {
    const events: string[] = [];
    const failing: ProviderSpec = { api: 'vector_io', providerType: 'inline::broken', apiDependencies: ['inference'], configSchema: z.object({}), create: () => { throw new Error('disk full'); } };
    await expect(
      resolveProviders({
        entries: [entry('inference', 'vllm', spec('inference', 'remote::vllm', events)), entry('vector_io', 'broken', failing)],
        storage,
        logger: silentLogger,
        buildApi: () => ({}),
      }),
    ).rejects.toThrowError(/provider 'broken' \(inline::broken\) failed to start: disk full/);
    expect(events).toEqual(['create remote::vllm', 'close remote::vllm']);
  });
});
