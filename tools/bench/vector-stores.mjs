#!/usr/bin/env node
// Files and vector stores, measured in one run so the ratios compare like with like:
//
// 1. Ingestion through the HTTP API: upload generated text files (~3,000 tokens each), create a
//    vector store with them (static chunking 200/40) and poll until every file is done; once with
//    the in-process embedder (inline::local-embeddings) and once with an upstream one (remote::vllm
//    pointed at a local OpenAI-wire server). Beside it, the same chunk texts embedded alone through
//    `POST /v1/embeddings` (3 requests at once, as 3 files are ingested at once), so the share of
//    ingestion time that is not embedding shows.
// 2. Search latency at growing sizes: precomputed clustered 384-d embeddings inserted through
//    `POST /v1/vector-io/insert`, then text queries through `POST /v1/vector-io/query` (the server
//    embeds the text upstream, then searches), interleaved with the same vector query straight on
//    a backend opened in this process on the same database, and with the embedding request alone
//    sent to the upstream. Ratio: API ÷ (direct + embed). pgvector's HNSW index (built in the
//    background once a store is big enough) is built before timing, so no build overlaps them.
// 3. Recall@10 of the approximate indexes against exact search over the same vectors: faiss HNSW
//    vs faiss Flat (in this process), pgvector HNSW (through its backend) vs brute force in JS, and
//    sqlite-vec (an exact scan) as a check.
//
// The upstream, the server and this load generator each run in their own process. The pgvector
// tables get a prefix of their own and are dropped at the end; pgvector rows are skipped when
// PostgreSQL (127.0.0.1:5432/test, or STACK_TEST_POSTGRES_URL) is unreachable. Needs
// `npm run build` first. Timings are reported, never asserted. `--quick`: a smoke run (< 1 min).
//
//   node tools/bench/vector-stores.mjs [--quick] [--files 40] [--local-files 12] [--queries 200]
//                                      [--sizes 10000,100000] [--sections ingest,search,recall]
import { fork } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    files: { type: 'string' },
    'local-files': { type: 'string' },
    queries: { type: 'string' },
    sizes: { type: 'string' },
    sections: { type: 'string', default: 'ingest,search,recall' },
    role: { type: 'string' },
  },
});

/** The upstream's embedding models: its default (768-d) for ingestion, a 384-d one for search. */
const INGEST_UPSTREAM_MODEL = { id: 'nomic-ai/nomic-embed-text-v1.5', dimension: 768 };
const SEARCH_UPSTREAM_MODEL = { id: 'BAAI/bge-small-en-v1.5', dimension: 384 };
const LOCAL_MODEL = { provider: 'local-embeddings', id: 'universal-sentence-encoder', dimension: 512 };

if (values.role === 'upstream') {
  const { startFakeOpenAIServer } = await import('@stack/openai-compatible/testing');
  const upstream = await startFakeOpenAIServer({
    flavor: 'vllm',
    recordRequests: false,
    models: [
      { id: 'meta-llama/Llama-3.2-3B-Instruct', contextLength: 131072 },
      { id: INGEST_UPSTREAM_MODEL.id, type: 'embedding', embeddingDimension: INGEST_UPSTREAM_MODEL.dimension, contextLength: 8192 },
      { id: SEARCH_UPSTREAM_MODEL.id, type: 'embedding', embeddingDimension: SEARCH_UPSTREAM_MODEL.dimension, contextLength: 512 },
    ],
  });
  process.send({ url: upstream.baseURL });
  process.once('SIGTERM', () => upstream.close().then(() => process.exit(0)));
} else {
  await runBenchmark();
}

/** Starts this script as the upstream in another process and waits for its URL. */
function startUpstream() {
  const child = fork(new URL(import.meta.url).pathname, ['--role', 'upstream'], { stdio: 'inherit' });
  return new Promise((resolve, reject) => {
    child.once('message', (message) => resolve({ child, url: message.url }));
    child.once('exit', (code) => reject(new Error(`upstream exited with ${code}`)));
  });
}

async function runBenchmark() {
  const { countTokens } = await import('@stack/document-processing');
  const { embeddingFor } = await import('@stack/openai-compatible/testing');
  const { postgresTestConfig } = await import('@stack/core/testing');
  const { createSqliteVecBackend } = await import('@stack/vector-io-sqlite-vec');
  const { createPgvectorBackend, pgvectorBackendConfigSchema, pgvectorTableNames, DEFAULT_TABLE_PREFIX } = await import('@stack/vector-io-pgvector');
  const { FlatIndex, HnswIndex } = await import('@stack/vector-io-faiss');
  const pg = (await import('pg')).default;
  const data = await import('./vector-stores-data.mjs');
  const stack = await import('./vector-stores-stack.mjs');
  const { callJson, mapLimit, uploadFile, findModelId, startStackServer } = stack;

  const quick = values.quick;
  const sections = new Set(values.sections.split(',').map((name) => name.trim()));
  const settings = {
    files: Number(values.files ?? (quick ? 4 : 40)),
    // The in-process encoder embeds a few chunks a second on a small machine: it gets fewer files.
    localFiles: Number(values['local-files'] ?? (quick ? 1 : 12)),
    tokensPerFile: 3000,
    chunking: { type: 'static', static: { max_chunk_size_tokens: 200, chunk_overlap_tokens: 40 } },
    queries: Number(values.queries ?? 200),
    sizes: values.sizes ? values.sizes.split(',').map(Number) : quick ? [2000] : [10000, 100000],
    dimension: SEARCH_UPSTREAM_MODEL.dimension,
    k: 10,
    insertBatch: 1000,
    warmupQueries: quick ? 10 : 20,
  };
  const maxSize = Math.max(...settings.sizes);

  const postgres = postgresTestConfig();
  const pgConnection = { host: postgres.host, port: postgres.port, database: postgres.db, user: postgres.user ?? 'postgres', password: postgres.password };
  const pgvectorProblem = await checkPgvector(pg, pgConnection);
  // The pgvector provider's tables get a prefix of their own, so nothing else in the database is touched.
  const tablePrefix = `bench_${process.pid}`;
  /** Vector stores created on pgvector, for the final clean-up should a deletion through the API not happen. */
  const pgvectorStores = [];
  const serverOptions = { upstreamURL: undefined, postgres, tablePrefix };
  const backends = ['sqlite-vec', ...(pgvectorProblem ? [] : ['pgvector'])];

  const results = { ingest: [], search: [], recall: [] };
  const log = (line = '') => console.log(line);
  const fmt = (value, digits = 2) => (value === undefined || Number.isNaN(value) ? '—' : value.toFixed(digits));
  const ms = (value) => `${fmt(value)} ms`;
  const thousands = (value) => Math.round(value).toLocaleString('en-US');
  const sizeLabel = (size) => (size >= 1000 && size % 1000 === 0 ? `${size / 1000}k` : String(size));

  const startedAt = performance.now();
  log(`Stack vector stores benchmark — ${quick ? 'quick' : 'full'} run; node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model.trim() ?? 'unknown'}), ${Math.round(totalmem() / 2 ** 30)} GiB`);
  log('upstream (local OpenAI-wire server, vLLM flavour), server (apps/server/dist/cli.js) and this load generator run in separate processes');
  log(`load average at start: ${loadavg().map((value) => value.toFixed(2)).join(' ')}`);
  log(pgvectorProblem ? `pgvector: skipped (${pgvectorProblem})` : `pgvector: PostgreSQL at ${postgres.host}:${postgres.port}/${postgres.db}`);
  log();

  const upstream = await startUpstream();
  serverOptions.upstreamURL = upstream.url;
  try {
    if (sections.has('ingest')) await ingestionSection();
    if (sections.has('search') || sections.has('recall')) await searchAndRecallSections();
  } finally {
    upstream.child.kill('SIGTERM');
    if (!pgvectorProblem) await cleanPostgres();
  }
  printSummary();

  /* ---------------------------------------------------------------- 1. ingestion */

  async function ingestionSection() {
    log(
      `1. Ingestion through the HTTP API: files of ~${settings.tokensPerFile} tokens (${settings.localFiles} with the in-process embedder, ${settings.files} with the upstream one), static chunking 200/40, server defaults (3 files at once, 64 texts per embeddings request)`,
    );
    const texts = Array.from({ length: Math.max(settings.files, settings.localFiles) }, (_, index) => data.generateProse(index, settings.tokensPerFile, countTokens));
    const bytes = texts.reduce((sum, text) => sum + Buffer.byteLength(text), 0);
    log(`   corpus: ${texts.length} files, ${(bytes / 1024).toFixed(0)} KiB`);
    for (const backend of backends) {
      const server = await startStackServer({ ...serverOptions, backend, localEmbeddings: true });
      try {
        const uploadStarted = performance.now();
        const uploaded = await mapLimit(texts, 4, (text, index) => uploadFile(server.url, `notes-${index + 1}.txt`, text));
        const uploadSeconds = (performance.now() - uploadStarted) / 1000;
        log(`   ${backend}: uploaded ${uploaded.length} files in ${fmt(uploadSeconds)} s (${fmt(uploaded.length / uploadSeconds, 1)} files/s)`);
        const embedders = [
          { label: 'local-embeddings (in-process USE)', provider: LOCAL_MODEL.provider, model: LOCAL_MODEL.id, dimension: LOCAL_MODEL.dimension, files: uploaded.slice(0, settings.localFiles) },
          { label: 'remote::vllm (local upstream)', provider: 'vllm', model: INGEST_UPSTREAM_MODEL.id, dimension: INGEST_UPSTREAM_MODEL.dimension, files: uploaded.slice(0, settings.files) },
        ];
        for (const embedder of embedders) {
          const { files } = embedder;
          if (files.length === 0) continue;
          const modelId = await findModelId(server.url, embedder.provider, embedder.model);
          // Loads the model (the local encoder takes seconds the first time); not part of the timing.
          const warmStarted = performance.now();
          await callJson(`${server.url}/v1/embeddings`, { body: { model: modelId, input: ['warm up the embedder'] } });
          const warmSeconds = (performance.now() - warmStarted) / 1000;

          const started = performance.now();
          const store = await callJson(`${server.url}/v1/vector_stores`, {
            body: { name: `ingest-${embedder.provider}`, file_ids: files.map((file) => file.id), chunking_strategy: settings.chunking, embedding_model: modelId },
          });
          if (backend === 'pgvector') pgvectorStores.push(store.id);
          const counts = await waitForIngestion(server.url, store.id);
          const ingestSeconds = (performance.now() - started) / 1000;
          if (counts.completed !== files.length) {
            const failed = await callJson(`${server.url}/v1/vector_stores/${store.id}/files?filter=failed&limit=5`, { method: 'GET' });
            throw new Error(`ingestion on ${backend} with ${modelId} did not complete every file: ${JSON.stringify(counts)} ${JSON.stringify(failed.data.map((file) => file.last_error))}`);
          }
          const chunkTexts = await mapLimit(files, 8, async (file) => {
            const content = await callJson(`${server.url}/v1/vector_stores/${store.id}/files/${file.id}/content`, { method: 'GET' });
            return content.data.map((item) => item.text);
          });
          const chunks = chunkTexts.reduce((sum, list) => sum + list.length, 0);

          // The same texts embedded alone, 64 per request, 3 files at once.
          const embedStarted = performance.now();
          await mapLimit(chunkTexts, 3, async (list) => {
            for (let start = 0; start < list.length; start += 64) {
              await callJson(`${server.url}/v1/embeddings`, { body: { model: modelId, input: list.slice(start, start + 64) } });
            }
          });
          const embedSeconds = (performance.now() - embedStarted) / 1000;

          await callJson(`${server.url}/v1/vector_stores/${store.id}`, { method: 'DELETE' });
          const row = {
            backend,
            embedder: embedder.label,
            dimension: embedder.dimension,
            files: files.length,
            chunks,
            uploadSeconds,
            warmSeconds,
            ingestSeconds,
            embedSeconds,
          };
          results.ingest.push(row);
          log(
            `   ${backend} + ${embedder.label} (${embedder.dimension}-d): ${chunks} chunks in ${fmt(ingestSeconds)} s → ${fmt(files.length / ingestSeconds, 1)} files/s, ${fmt(chunks / ingestSeconds, 0)} chunks/s; embedding alone ${fmt(embedSeconds)} s (${fmt(chunks / embedSeconds, 0)} chunks/s), ingestion ÷ embedding ${fmt(ingestSeconds / embedSeconds)}×; first embeddings call ${fmt(warmSeconds)} s`,
          );
        }
        await mapLimit(uploaded, 8, (file) => callJson(`${server.url}/v1/files/${file.id}`, { method: 'DELETE' }));
      } catch (error) {
        log(server.output().slice(-3000));
        throw error;
      } finally {
        await server.close();
      }
    }
    log();
  }

  async function waitForIngestion(serverURL, storeId) {
    for (;;) {
      const store = await callJson(`${serverURL}/v1/vector_stores/${storeId}`, { method: 'GET' });
      if (store.file_counts.in_progress === 0) return store.file_counts;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /* ------------------------------------------------------- 2. search and 3. recall */

  async function searchAndRecallSections() {
    const generateStarted = performance.now();
    const dataset = data.clusteredVectors({ count: maxSize, dimension: settings.dimension, seed: 1 });
    const recallQueries = data.clusteredVectors({ count: settings.queries, dimension: settings.dimension, seed: 2 });
    log(
      `Data: ${thousands(maxSize)} clustered unit vectors (${settings.dimension}-d, 100 clusters) and ${settings.queries} queries from the same distribution, generated in ${fmt((performance.now() - generateStarted) / 1000)} s`,
    );
    const exactCache = new Map();
    const exactFor = (size) => {
      if (!exactCache.has(size)) exactCache.set(size, data.bruteForceTopK(dataset, size, recallQueries, settings.k));
      return exactCache.get(size);
    };

    // Text queries for the API: the upstream embeds them with embeddingFor(text, 384), so the
    // direct backend query gets exactly the vector the server searched with.
    const queryTexts = Array.from({ length: settings.queries }, (_, index) => `question ${index + 1}: where does the ${['river', 'glacier', 'harbour', 'volcano'][index % 4]} ${['end', 'begin', 'change', 'rest'][Math.floor(index / 4) % 4]}?`);
    const queryVectors = queryTexts.map((text) => Float32Array.from(embeddingFor(text, settings.dimension)));

    if (sections.has('search')) {
      log(`\n2. Search latency: ${settings.queries} text queries, k=${settings.k}, interleaved API / direct backend / upstream embedding, concurrency 1`);
      for (const backend of backends) await searchBackend(backend, dataset, recallQueries, exactFor, queryTexts, queryVectors);
    }
    if (sections.has('recall')) {
      log(`\n3. Recall@${settings.k}: faiss HNSW (m 16, ef_construction 100, ef_search 64) vs faiss Flat, in this process`);
      faissRecall(dataset, recallQueries, exactFor);
    }
  }

  async function searchBackend(backend, dataset, recallQueries, exactFor, queryTexts, queryVectors) {
    const server = await startStackServer({ ...serverOptions, backend, localEmbeddings: false });
    let direct;
    let storeId;
    try {
      const modelId = await findModelId(server.url, 'vllm', SEARCH_UPSTREAM_MODEL.id);
      const store = await callJson(`${server.url}/v1/vector_stores`, {
        body: { name: 'search-bench', embedding_model: modelId, embedding_dimension: settings.dimension },
      });
      storeId = store.id;
      if (backend === 'pgvector') pgvectorStores.push(storeId);
      direct =
        backend === 'sqlite-vec'
          ? await createSqliteVecBackend({ dbPath: join(server.directory, 'sqlite_vec.db') })
          : await createPgvectorBackend(
              pgvectorBackendConfigSchema.parse({ host: postgres.host, port: postgres.port, db: postgres.db, user: postgres.user, password: postgres.password, table_prefix: tablePrefix }),
            );
      const rowOfChunk = (chunkId) => Number(chunkId.slice(1));

      let filled = 0;
      let insertSeconds = 0;
      let indexSeconds = 0;
      for (const size of settings.sizes) {
        const stageStart = filled;
        let stageSeconds = 0;
        // Fill up to `size` through the API, 1,000 chunks per request (bodies built before timing).
        for (let start = filled; start < size; start += settings.insertBatch) {
          const end = Math.min(size, start + settings.insertBatch);
          const chunks = [];
          for (let row = start; row < end; row += 1) {
            chunks.push({
              chunk_id: `c${row}`,
              content: `Passage ${row} about topic ${dataset.clusterOf[row]}.`,
              metadata: { document_id: `doc-${dataset.clusterOf[row]}` },
              embedding: Array.from(data.rowOf(dataset, row)),
            });
          }
          const body = JSON.stringify({ vector_store_id: storeId, chunks });
          const started = performance.now();
          await callJson(`${server.url}/v1/vector-io/insert`, { rawBody: body });
          stageSeconds += (performance.now() - started) / 1000;
        }
        filled = size;
        insertSeconds += stageSeconds;
        // pgvector builds its HNSW index in the background once a query finds enough rows; build it
        // now (timed) so no build overlaps the measurements. Later inserts update the index row by row.
        let stageIndexSeconds;
        if (typeof direct.buildIndex === 'function') {
          const started = performance.now();
          await direct.buildIndex(storeId);
          stageIndexSeconds = (performance.now() - started) / 1000;
          indexSeconds += stageIndexSeconds;
        }
        const stored = await direct.countChunks(storeId);
        if (stored !== size) throw new Error(`${backend} holds ${stored} chunks after inserting ${size}`);

        const queryAPI = async (index) => {
          const started = performance.now();
          const answer = await callJson(`${server.url}/v1/vector-io/query`, {
            body: { vector_store_id: storeId, query: queryTexts[index], params: { max_chunks: settings.k, mode: 'vector' } },
          });
          return { time: performance.now() - started, ids: answer.chunks.map((chunk) => chunk.chunk_id) };
        };
        const queryDirect = async (index) => {
          const started = performance.now();
          const hits = await direct.query(storeId, { mode: 'vector', embedding: queryVectors[index], k: settings.k });
          return { time: performance.now() - started, ids: hits.map((hit) => hit.chunkId) };
        };
        const queryEmbed = async (index) => {
          const started = performance.now();
          await callJson(`${upstream.url}/embeddings`, { body: { model: SEARCH_UPSTREAM_MODEL.id, input: [queryTexts[index]] } });
          return { time: performance.now() - started };
        };
        const kinds = [queryAPI, queryDirect, queryEmbed];
        for (let index = 0; index < settings.warmupQueries; index += 1) for (const kind of kinds) await kind(index % settings.queries);
        const times = { api: [], direct: [], embed: [] };
        let agree = 0;
        for (let index = 0; index < settings.queries; index += 1) {
          // Rotate the order so no kind always runs first (after a pause) or last.
          const order = [0, 1, 2].map((offset) => (index + offset) % 3);
          const answers = [];
          for (const position of order) answers[position] = await kinds[position](index);
          times.api.push(answers[0].time);
          times.direct.push(answers[1].time);
          times.embed.push(answers[2].time);
          if (answers[0].ids.join() === answers[1].ids.join()) agree += 1;
        }
        const p = (list, q) => data.percentile(list, q);
        const row = {
          backend,
          size,
          insertChunksPerSecond: (size - stageStart) / stageSeconds,
          indexSeconds: stageIndexSeconds,
          api50: p(times.api, 50),
          api99: p(times.api, 99),
          direct50: p(times.direct, 50),
          direct99: p(times.direct, 99),
          embed50: p(times.embed, 50),
          agree,
        };
        row.ratio = row.api50 / (row.direct50 + row.embed50);
        results.search.push(row);
        log(
          `   ${backend} ${sizeLabel(size)}: insert ${thousands(row.insertChunksPerSecond)} chunks/s (${sizeLabel(stageStart)}→${sizeLabel(size)})${stageIndexSeconds === undefined ? '' : `, index build ${fmt(stageIndexSeconds)} s`}; API p50 ${ms(row.api50)} p99 ${ms(row.api99)}; direct p50 ${ms(row.direct50)} p99 ${ms(row.direct99)}; embed p50 ${ms(row.embed50)}; API ÷ (direct + embed) ${fmt(row.ratio)}×; same hits ${agree}/${settings.queries}`,
        );

        if (sections.has('recall')) {
          // Queries from the data's distribution, straight on the backend, against brute force in JS.
          const exact = exactFor(size);
          const found = [];
          const queryTimes = [];
          for (let index = 0; index < recallQueries.count; index += 1) {
            const started = performance.now();
            const hits = await direct.query(storeId, { mode: 'vector', embedding: data.rowOf(recallQueries, index), k: settings.k });
            queryTimes.push(performance.now() - started);
            found.push(hits.map((hit) => rowOfChunk(hit.chunkId)));
          }
          const recall = data.recallAtK(found, exact.results);
          const label = backend === 'pgvector' ? 'pgvector HNSW (m 16, ef_construction 64, ef_search 40)' : 'sqlite-vec (exact vec0 scan)';
          results.recall.push({
            index: label,
            reference: 'JS brute force',
            size,
            buildSeconds: insertSeconds + indexSeconds,
            buildNote: 'API insert',
            query50: p(queryTimes, 50),
            query99: p(queryTimes, 99),
            recall,
            exact50: p(exact.times, 50),
            exact99: p(exact.times, 99),
          });
          log(`   ${label} ${sizeLabel(size)}: recall@${settings.k} ${fmt(recall, 3)}; query p50 ${ms(p(queryTimes, 50))} p99 ${ms(p(queryTimes, 99))}; JS brute force p50 ${ms(p(exact.times, 50))}`);
        }
      }
    } catch (error) {
      log(server.output().slice(-3000));
      throw error;
    } finally {
      await direct?.close();
      if (storeId) await callJson(`${server.url}/v1/vector_stores/${storeId}`, { method: 'DELETE' }).catch((error) => log(`   could not delete ${storeId}: ${error.message}`));
      await server.close();
    }
  }

  function faissRecall(dataset, recallQueries, exactFor) {
    const flat = new FlatIndex(settings.dimension, maxSize);
    const hnsw = new HnswIndex(settings.dimension, {});
    let filled = 0;
    let flatBuild = 0;
    let hnswBuild = 0;
    for (const size of settings.sizes) {
      let started = performance.now();
      for (let row = filled; row < size; row += 1) flat.add(String(row), data.rowOf(dataset, row));
      flatBuild += (performance.now() - started) / 1000;
      started = performance.now();
      for (let row = filled; row < size; row += 1) hnsw.add(String(row), data.rowOf(dataset, row));
      hnswBuild += (performance.now() - started) / 1000;
      filled = size;

      const search = (index) => {
        const found = [];
        const times = [];
        for (let q = 0; q < recallQueries.count; q += 1) {
          const begun = performance.now();
          const hits = index.search(data.rowOf(recallQueries, q), settings.k);
          times.push(performance.now() - begun);
          found.push(hits.map((hit) => Number(hit.id)));
        }
        return { found, times };
      };
      const flatAnswers = search(flat);
      const hnswAnswers = search(hnsw);
      const exact = exactFor(size);
      const flatCheck = data.recallAtK(flatAnswers.found, exact.results);
      const recall = data.recallAtK(hnswAnswers.found, flatAnswers.found);
      const p = (list, q) => data.percentile(list, q);
      results.recall.push({
        index: 'faiss HNSW (m 16, ef_construction 100, ef_search 64)',
        reference: 'faiss Flat',
        size,
        buildSeconds: hnswBuild,
        buildNote: 'add() in process',
        query50: p(hnswAnswers.times, 50),
        query99: p(hnswAnswers.times, 99),
        recall,
        exact50: p(flatAnswers.times, 50),
        exact99: p(flatAnswers.times, 99),
        exactBuildSeconds: flatBuild,
        flatCheck,
      });
      log(
        `   faiss ${sizeLabel(size)}: HNSW build ${fmt(hnswBuild)} s, query p50 ${ms(p(hnswAnswers.times, 50))} p99 ${ms(p(hnswAnswers.times, 99))}, recall@${settings.k} ${fmt(recall, 3)}; Flat build ${fmt(flatBuild, 3)} s, query p50 ${ms(p(flatAnswers.times, 50))} p99 ${ms(p(flatAnswers.times, 99))} (Flat vs JS brute force ${fmt(flatCheck, 3)})`,
      );
    }
  }

  /* ------------------------------------------------------------------- clean-up */

  /** Drops every table under the benchmark's prefix (stores deleted through the API are gone already). */
  async function cleanPostgres() {
    const client = new pg.Client(pgConnection);
    await client.connect();
    try {
      const { rows } = await client.query("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND starts_with(tablename, $1)", [`${tablePrefix}_`]);
      for (const { tablename } of rows) await client.query(`DROP TABLE IF EXISTS "${tablename}"`);
      // Should the provider not honour table_prefix, its stores are under the default prefix.
      const defaultRegistry = `${DEFAULT_TABLE_PREFIX}_indexes`;
      const { rows: registry } = await client.query('SELECT to_regclass($1) AS name', [`"${defaultRegistry}"`]);
      for (const storeId of pgvectorStores) {
        await client.query(`DROP TABLE IF EXISTS "${pgvectorTableNames(storeId).table}"`);
        if (registry[0].name !== null) await client.query(`DELETE FROM "${defaultRegistry}" WHERE vector_store_id = $1`, [storeId]);
      }
    } finally {
      await client.end();
    }
  }

  /* -------------------------------------------------------------------- summary */

  function printSummary() {
    const pad = (value, width) => String(value).padStart(width);
    const padEnd = (value, width) => String(value).padEnd(width);
    log(`\nSummary — node ${process.version}, ${cpus().length} CPUs; ${quick ? 'quick' : 'full'} run in ${fmt((performance.now() - startedAt) / 1000, 0)} s${pgvectorProblem ? '; pgvector skipped' : ''}`);
    if (results.ingest.length > 0) {
      log('\nIngestion (HTTP API)                                  dim  files chunks  files/s chunks/s  embed-only chunks/s  ingest ÷ embed-only');
      for (const row of results.ingest) {
        log(
          `${padEnd(`${row.backend} + ${row.embedder}`, 52)} ${pad(row.dimension, 4)} ${pad(row.files, 6)} ${pad(row.chunks, 6)} ${pad(fmt(row.files / row.ingestSeconds, 1), 8)} ${pad(fmt(row.chunks / row.ingestSeconds, 0), 8)} ${pad(fmt(row.chunks / row.embedSeconds, 0), 20)} ${pad(`${fmt(row.ingestSeconds / row.embedSeconds)}×`, 20)}`,
        );
      }
    }
    if (results.search.length > 0) {
      log(`\nSearch, k=${settings.k}, ${settings.dimension}-d   chunks  insert/s  index s   API p50   API p99  direct p50  direct p99  embed p50  API÷(direct+embed)  same hits`);
      for (const row of results.search) {
        log(
          `${padEnd(row.backend, 24)} ${pad(sizeLabel(row.size), 7)} ${pad(thousands(row.insertChunksPerSecond), 9)} ${pad(fmt(row.indexSeconds), 8)} ${pad(fmt(row.api50), 9)} ${pad(fmt(row.api99), 9)} ${pad(fmt(row.direct50), 11)} ${pad(fmt(row.direct99), 11)} ${pad(fmt(row.embed50), 10)} ${pad(`${fmt(row.ratio)}×`, 19)} ${pad(`${row.agree}/${settings.queries}`, 10)}`,
        );
      }
      log('(insert/s: chunks inserted through the API since the previous size; index s: pgvector HNSW build before timing; latencies in ms:');
      log(' API = POST /v1/vector-io/query incl. upstream embedding; direct = backend.query in this process; embed = POST /v1/embeddings on the upstream)');
    }
    if (results.recall.length > 0) {
      log(`\nRecall@${settings.k}, ${settings.queries} queries           vectors  recall  build s  query p50  query p99  exact p50  exact p99  exact reference`);
      for (const row of results.recall) {
        const name = row.index.replace(/ \(.*\)$/, '');
        log(
          `${padEnd(name, 32)} ${pad(sizeLabel(row.size), 7)} ${pad(fmt(row.recall, 3), 7)} ${pad(fmt(row.buildSeconds), 8)} ${pad(fmt(row.query50, 3), 10)} ${pad(fmt(row.query99, 3), 10)} ${pad(fmt(row.exact50, 3), 10)} ${pad(fmt(row.exact99, 3), 10)}  ${row.reference}`,
        );
      }
      log('(build s, cumulative: faiss = add() time; sqlite-vec = insert time through the API; pgvector = insert time through the API + HNSW build)');
    }
  }
}

/** Why pgvector rows cannot run, or undefined when PostgreSQL with the vector extension answers. */
async function checkPgvector(pg, connection) {
  const client = new pg.Client({ ...connection, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    const { rows } = await client.query("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'");
    if (rows.length === 0) return `PostgreSQL at ${connection.host}:${connection.port} has no pgvector extension`;
    return undefined;
  } catch (error) {
    return `PostgreSQL at ${connection.host}:${connection.port}/${connection.database} is unreachable: ${error.message}`;
  } finally {
    await client.end().catch(() => undefined);
  }
}
