import { parseRunConfig } from '@stack/core';
import { homedir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { starterDistribution } from './index.js';

const resolve = (environment: Record<string, string>) => parseRunConfig(starterDistribution.runConfig, { environment });

describe('starter distribution', () => {
  it('switches providers on with the reference environment variables', () => {
    expect(resolve({}).providers.inference?.map((provider) => provider.provider_type)).toEqual(['inline::local-embeddings']);
    const config = resolve({ OLLAMA_URL: 'http://gpu:11434', VLLM_URL: 'http://gpu:8000/v1', OPENAI_API_KEY: 'sk-test' });
    expect(config.providers.inference?.map((provider) => [provider.provider_id, provider.provider_type])).toEqual([
      ['ollama', 'remote::ollama'],
      ['vllm', 'remote::vllm'],
      ['openai', 'remote::openai'],
      ['local-embeddings', 'inline::local-embeddings'],
    ]);
    expect(config.providers.inference?.[1]?.config).toEqual({ url: 'http://gpu:8000/v1', max_tokens: 4096, api_token: 'fake', tls_verify: true });
  });

  it('keeps its data under STACK_DATA_DIR, by default in the home directory', () => {
    expect(resolve({}).storage.backends.kv_default).toEqual({ type: 'kv_sqlite', db_path: `${homedir()}/.stack/distributions/starter/kvstore.db` });
    expect(resolve({ STACK_DATA_DIR: '/srv/stack' }).storage.backends.sql_default).toEqual({ type: 'sql_sqlite', db_path: '/srv/stack/sql_store.db' });
  });

  it('offers a provider spec for every provider type it names, and advice only when none is on', () => {
    const types = new Set(starterDistribution.providerSpecs.map((spec) => spec.providerType));
    const named = (starterDistribution.runConfig.providers as { inference: Array<{ provider_type: string }> }).inference.map((entry) => entry.provider_type);
    for (const type of named) expect(types.has(type)).toBe(true);
    expect(starterDistribution.startupAdvice?.(resolve({})).join('\n')).toContain('OLLAMA_URL');
    expect(starterDistribution.startupAdvice?.(resolve({ OLLAMA_URL: 'http://x' }))).toEqual([]);
  });
});
