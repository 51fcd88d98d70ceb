// The deployment side of tools/bench/vector-stores.mjs: a run.yaml per vector-io backend, the
// built server CLI in its own process, and the few HTTP calls the benchmark makes.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const cliPath = new URL('../../apps/server/dist/cli.js', import.meta.url).pathname;

/** The `providers.vector_io` entry for one backend. */
function vectorIoYaml(backend, directory, postgres, tablePrefix) {
  if (backend === 'sqlite-vec') {
    return `  - provider_id: sqlite-vec
    provider_type: inline::sqlite-vec
    config:
      db_path: ${join(directory, 'sqlite_vec.db')}
      persistence:
        namespace: vector_io::sqlite_vec
        backend: kv_default`;
  }
  if (backend === 'pgvector') {
    return `  - provider_id: pgvector
    provider_type: remote::pgvector
    config:
      host: ${postgres.host}
      port: ${postgres.port}
      db: ${postgres.db}
      user: ${postgres.user ?? 'postgres'}
      password: ${postgres.password ?? ''}
      table_prefix: ${tablePrefix}
      persistence:
        namespace: vector_io::pgvector
        backend: kv_default`;
  }
  throw new Error(`unknown backend ${backend}`);
}

/** A run.yaml in the reference format: offline and upstream embedders, local files, one vector-io backend. */
export function benchRunYaml({ backend, directory, upstreamURL, localEmbeddings, postgres, tablePrefix }) {
  const inference = [];
  if (localEmbeddings) {
    inference.push(`  - provider_id: local-embeddings
    provider_type: inline::local-embeddings
    config: {}`);
  }
  inference.push(`  - provider_id: vllm
    provider_type: remote::vllm
    config:
      url: ${upstreamURL}
      api_token: fake`);
  return `version: 2
image_name: vector-bench
apis: [inference, files, vector_io]
providers:
  inference:
${inference.join('\n')}
  files:
  - provider_id: localfs
    provider_type: inline::localfs
    config:
      storage_dir: ${join(directory, 'files')}
      metadata_store:
        table_name: files_metadata
        backend: sql_default
  vector_io:
${vectorIoYaml(backend, directory, postgres, tablePrefix)}
storage:
  backends:
    kv_default:
      type: kv_sqlite
      db_path: ${join(directory, 'kvstore.db')}
    sql_default:
      type: sql_sqlite
      db_path: ${join(directory, 'sql_store.db')}
  stores:
    metadata:
      namespace: registry
      backend: kv_default
registered_resources:
  models: []
server:
  port: 8321
`;
}

/**
 * Writes a run.yaml into a fresh temp dir and runs `stack run` on it in its own process; resolves
 * once the server prints the address it serves. `close()` stops it and removes the directory.
 */
export async function startStackServer(options) {
  const directory = await mkdtemp(join(tmpdir(), `stack-vector-bench-${options.backend}-`));
  const configPath = join(directory, 'run.yaml');
  await writeFile(configPath, benchRunYaml({ ...options, directory }));
  const child = spawn(process.execPath, [cliPath, 'run', configPath, '--port', '0', '--host', '127.0.0.1'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env },
  });
  let output = '';
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  const onData = (data) => {
    output += data.toString();
    if (output.length > 200_000) output = output.slice(-100_000);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  let url;
  try {
    url = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`stack did not start within 60 s:\n${output.slice(-4000)}`)), 60_000);
      const check = () => {
        const match = /serving .* at (http:\/\/[\d.:]+)/.exec(output);
        if (match) {
          clearTimeout(timer);
          child.stdout.off('data', check);
          child.stderr.off('data', check);
          resolve(match[1]);
        }
      };
      child.stdout.on('data', check);
      child.stderr.on('data', check);
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`stack exited with ${code} before serving:\n${output.slice(-4000)}`));
      });
    });
  } catch (error) {
    child.kill('SIGKILL');
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
  let closed = false;
  return {
    url,
    directory,
    output: () => output,
    async close() {
      if (closed) return;
      closed = true;
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/** A JSON request; throws with the body on a non-2xx answer. */
export async function callJson(url, { method = 'POST', body, rawBody } = {}) {
  const response = await fetch(url, {
    method,
    headers: body === undefined && rawBody === undefined ? {} : { 'content-type': 'application/json' },
    body: rawBody ?? (body === undefined ? undefined : JSON.stringify(body)),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${url} answered ${response.status}: ${text.slice(0, 2000)}`);
  return text ? JSON.parse(text) : undefined;
}

/** Uploads one text file through `POST /v1/files` (multipart), for `assistants`. */
export async function uploadFile(serverURL, filename, text) {
  const form = new FormData();
  form.append('purpose', 'assistants');
  form.append('file', new Blob([text], { type: 'text/plain' }), filename);
  const response = await fetch(`${serverURL}/v1/files`, { method: 'POST', body: form });
  const answer = await response.text();
  if (!response.ok) throw new Error(`upload of ${filename} answered ${response.status}: ${answer.slice(0, 2000)}`);
  return JSON.parse(answer);
}

/** Runs `task` over `items` with at most `limit` at once. */
export async function mapLimit(items, limit, task) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await task(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** The server's model id for an upstream model id of a provider (e.g. `vllm/BAAI/bge-small-en-v1.5`). */
export async function findModelId(serverURL, providerId, providerModelId) {
  const listing = await callJson(`${serverURL}/v1/models`, { method: 'GET' });
  const models = listing.data ?? [];
  const match = models.find(
    (model) =>
      model.id === `${providerId}/${providerModelId}` ||
      model.identifier === `${providerId}/${providerModelId}` ||
      ((model.provider_id ?? model.custom_metadata?.provider_id ?? model.metadata?.provider_id) === providerId &&
        (model.provider_resource_id ?? model.custom_metadata?.provider_resource_id) === providerModelId),
  );
  if (!match) throw new Error(`the server lists no model ${providerModelId} of ${providerId}: ${models.map((model) => model.id ?? model.identifier).join(', ')}`);
  return match.id ?? match.identifier;
}
