#!/usr/bin/env node
// Added latency of the Stack server over calling the same upstream directly, measured in one run
// with the two interleaved: each worker alternates direct and through-the-server requests, so
// both see the same machine load. Non-streaming: time to the whole answer. Streaming: time to the
// first chunk. Concurrency 1 and 16. The upstream, the server and the load generator each run in
// their own process, as in a deployment. Needs `npm run build` first.
//
//   node tools/bench/inference-overhead.mjs [--requests 400] [--chunks 16]
import { fork } from 'node:child_process';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '400' },
    chunks: { type: 'string', default: '16' },
    warmup: { type: 'string', default: '50' },
    role: { type: 'string' },
    upstream: { type: 'string' },
  },
});

if (values.role === 'upstream') {
  const { startFakeOpenAIServer } = await import('@stack/openai-compatible/testing');
  const upstream = await startFakeOpenAIServer({ flavor: 'vllm', streamChunks: Number(values.chunks), recordRequests: false });
  process.send({ url: upstream.baseURL });
  process.once('SIGTERM', () => upstream.close().then(() => process.exit(0)));
} else if (values.role === 'server') {
  const { createStack } = await import('@stack/stack');
  const { serve } = await import('@stack/http');
  const { providerSpec: vllm } = await import('@stack/inference-vllm');
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  // Real SQLite files, as the starter distribution keeps them: completions are stored on disk.
  const dataDir = mkdtempSync(join(tmpdir(), 'stack-bench-'));
  const stack = await createStack({
    providers: { inference: [{ providerId: 'vllm', spec: vllm, config: { url: values.upstream } }] },
    storage: {
      backends: {
        kv_default: { type: 'kv_sqlite', db_path: join(dataDir, 'kvstore.db') },
        sql_default: { type: 'sql_sqlite', db_path: join(dataDir, 'sql_store.db') },
      },
      stores: {
        metadata: { backend: 'kv_default', namespace: 'registry' },
        inference: { backend: 'sql_default', table_name: 'inference_store', max_write_queue_size: 10000, num_writers: 4 },
      },
    },
  });
  const server = await serve(stack, { port: 0 });
  process.send({ url: server.url });
  process.once('SIGTERM', () => server.close().then(() => process.exit(0)));
} else {
  await runBenchmark();
}

/** Starts this script in another role and waits for the URL it serves. */
function startRole(role, extra = []) {
  const child = fork(new URL(import.meta.url).pathname, ['--role', role, '--chunks', values.chunks, ...extra], { stdio: 'inherit', execArgv: process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}/${role}`] : [] });
  return new Promise((resolve, reject) => {
    child.once('message', (message) => resolve({ child, url: message.url }));
    child.once('exit', (code) => reject(new Error(`${role} exited with ${code}`)));
  });
}

async function runBenchmark() {
const requestsPerTarget = Number(values.requests);
const warmup = Number(values.warmup);
const upstream = await startRole('upstream');
const server = await startRole('server', ['--upstream', upstream.url]);

const upstreamModel = 'meta-llama/Llama-3.2-3B-Instruct';
const targets = {
  direct: { url: `${upstream.url}/chat/completions`, model: upstreamModel },
  server: { url: `${server.url}/v1/chat/completions`, model: `vllm/${upstreamModel}` },
  unstored: { url: `${server.url}/v1/chat/completions`, model: `vllm/${upstreamModel}`, store: false },
};

async function request(target, stream) {
  const body = JSON.stringify({
    model: target.model,
    messages: [{ role: 'user', content: 'Summarise the plot of a short story in one sentence.' }],
    max_tokens: 64,
    stream,
    ...(target.store === false ? { store: false } : {}),
  });
  const started = performance.now();
  const response = await fetch(target.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer fake' }, body });
  if (!response.ok) throw new Error(`${target.url} answered ${response.status}: ${await response.text()}`);
  if (!stream) {
    await response.json();
    return performance.now() - started;
  }
  const reader = response.body.getReader();
  let firstChunk;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    if (firstChunk === undefined && value.length > 0) firstChunk = performance.now() - started;
  }
  return firstChunk;
}

async function measure(stream, concurrency, perTarget, names = ['direct', 'server']) {
  const samples = Object.fromEntries(names.map((name) => [name, []]));
  let remaining = perTarget * names.length;
  const worker = async (index) => {
    let turn = index % names.length;
    while (remaining > 0) {
      remaining -= 1;
      const name = names[turn];
      turn = (turn + 1) % names.length;
      samples[name].push(await request(targets[name], stream));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, index) => worker(index)));
  return samples;
}

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};
const ms = (value) => `${value.toFixed(2)} ms`.padStart(10);

console.log(`Stack inference overhead — ${requestsPerTarget} requests per target per row, upstream: local OpenAI-compatible server (${values.chunks} chunks per stream)`);
console.log(`node ${process.version}, ${cpus().length} cores; upstream, server and load generator in separate processes\n`);
console.log('mode                      conc   direct p50  direct p99   server p50  server p99   ratio p50  ratio p99');
for (const stream of [false, true]) {
  for (const concurrency of [1, 16]) {
    await measure(stream, concurrency, warmup);
    const samples = await measure(stream, concurrency, requestsPerTarget);
    const direct50 = percentile(samples.direct, 50);
    const direct99 = percentile(samples.direct, 99);
    const server50 = percentile(samples.server, 50);
    const server99 = percentile(samples.server, 99);
    const label = stream ? 'streaming (first chunk)' : 'non-streaming (total)';
    console.log(
      `${label.padEnd(25)} ${String(concurrency).padStart(4)} ${ms(direct50)}  ${ms(direct99)}  ${ms(server50)}  ${ms(server99)}   ${(server50 / direct50).toFixed(2).padStart(8)}x ${(server99 / direct99).toFixed(2).padStart(8)}x`,
    );
  }
}

console.log('\nStoring chat completions (SQLite file, background write queue): the same server, requests stored vs `store: false`, interleaved');
console.log('mode                      conc   unstored p50 unstored p99 stored p50  stored p99   ratio p50  ratio p99');
for (const stream of [false, true]) {
  for (const concurrency of [1, 16]) {
    await measure(stream, concurrency, warmup, ['unstored', 'server']);
    const samples = await measure(stream, concurrency, requestsPerTarget, ['unstored', 'server']);
    const base50 = percentile(samples.unstored, 50);
    const base99 = percentile(samples.unstored, 99);
    const stored50 = percentile(samples.server, 50);
    const stored99 = percentile(samples.server, 99);
    const label = stream ? 'streaming (first chunk)' : 'non-streaming (total)';
    console.log(
      `${label.padEnd(25)} ${String(concurrency).padStart(4)} ${ms(base50)}  ${ms(base99)}  ${ms(stored50)}  ${ms(stored99)}   ${(stored50 / base50).toFixed(2).padStart(8)}x ${(stored99 / base99).toFixed(2).padStart(8)}x`,
    );
  }
}

server.child.kill('SIGTERM');
upstream.child.kill('SIGTERM');
}
