import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigurationError, loadRunConfigFile, parseRunConfigText } from './run-config.js';

const referenceStarter = new URL('./__fixtures__/reference-starter-run.yaml', import.meta.url);
const referencePostgres = new URL('./__fixtures__/reference-starter-run-with-postgres-store.yaml', import.meta.url);

describe('run config', () => {
  it('reads the reference starter run config', async () => {
    const config = await loadRunConfigFile(referenceStarter.pathname, { OLLAMA_URL: 'http://127.0.0.1:11434' });
    expect(config.version).toBe(2);
    expect(config.apis).toContain('inference');
    const inference = config.providers.inference ?? [];
    // Providers gated by unset variables are dropped; ollama is switched on by OLLAMA_URL.
    expect(inference.map((p) => p.provider_id)).toContain('ollama');
    expect(inference.map((p) => p.provider_id)).not.toContain('vllm');
    expect(inference.find((p) => p.provider_id === 'ollama')?.config).toEqual({ url: 'http://127.0.0.1:11434' });
    expect(config.storage.backends.kv_default?.type).toBe('kv_sqlite');
    expect(config.storage.stores.metadata).toEqual({ namespace: 'registry', backend: 'kv_default' });
    expect(config.server.port).toBe(8321);
    // Shields whose provider_id resolved to empty are dropped too.
    expect(config.registered_resources.shields).toEqual([]);
  });

  it('reads the reference starter run config with Postgres stores', async () => {
    const config = await loadRunConfigFile(referencePostgres.pathname, { POSTGRES_HOST: 'db.internal', POSTGRES_PORT: '6543' });
    expect(config.storage.backends.kv_postgres).toEqual({
      type: 'kv_postgres',
      host: 'db.internal',
      port: 6543,
      db: 'llamastack',
      user: 'llamastack',
      password: 'llamastack',
      table_name: 'llamastack_kvstore',
    });
    expect(config.storage.stores.inference).toMatchObject({ backend: 'sql_postgres', table_name: 'inference_store', max_write_queue_size: 10000, num_writers: 4 });
  });

  it('names the file and path of a missing variable', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'run-config-'));
    const file = join(directory, 'run.yaml');
    await writeFile(file, 'version: 2\nproviders:\n  inference:\n  - provider_id: x\n    provider_type: remote::vllm\n    config:\n      url: ${env.NOPE_NOT_SET}\n');
    await expect(loadRunConfigFile(file, {})).rejects.toThrowError(ConfigurationError);
    await expect(loadRunConfigFile(file, {})).rejects.toThrowError(new RegExp(`${file}.*providers\\.inference\\[0\\]\\.config\\.url.*NOPE_NOT_SET`));
  });

  it('names the path and expectation of a wrong type', () => {
    expect(() => parseRunConfigText('server:\n  port: lots\n', { source: 'my.yaml' })).toThrowError(/my\.yaml.*\n.*server\.port/);
    expect(() => parseRunConfigText('providers:\n  inference:\n  - provider_id: a\n', { source: 'my.yaml' })).toThrowError(
      /providers\.inference\[0\]\.provider_type/,
    );
    expect(() => parseRunConfigText('- just\n- a list\n', { source: 'my.yaml' })).toThrowError(/my\.yaml: expected a mapping/);
  });

  it('applies defaults for a minimal config', () => {
    const config = parseRunConfigText('version: 2\n');
    expect(config.server.port).toBe(8321);
    expect(config.providers).toEqual({});
    expect(config.storage).toEqual({ backends: {}, stores: {} });
  });
});
