import LlamaStackClient from 'llama-stack-client';
import OpenAI, { toFile } from 'openai';
import { postgresTestsEnabled } from '@stack/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDocuments, type TestDocument } from './documents.js';
import { startVectorDeployment, type VectorBackendName, type VectorDeployment } from './vector-deployment.js';

const backends: VectorBackendName[] = ['sqlite-vec', 'faiss'];
if (await postgresTestsEnabled('vector stores end to end on pgvector')) backends.push('pgvector');

for (const backend of backends) {
  describe(`files and vector stores through the openai client on ${backend}`, () => {
    let deployment: VectorDeployment;
    let client: OpenAI;
    let stackClient: LlamaStackClient;
    let documents: TestDocument[];
    const fileIds = new Map<string, string>();
    let storeId: string;

    beforeAll(async () => {
      deployment = await startVectorDeployment(backend);
      client = new OpenAI({ baseURL: `${deployment.server.url}/v1`, apiKey: 'unused', maxRetries: 0 });
      stackClient = new LlamaStackClient({ baseURL: deployment.server.url, maxRetries: 0 });
      documents = await testDocuments();
    }, 60_000);

    afterAll(async () => {
      await deployment?.close();
    });

    it('uploads files of every format, lists, retrieves and reads them back', async () => {
      for (const document of documents) {
        const file = await client.files.create({ file: await toFile(document.data, document.filename), purpose: 'assistants' });
        expect(file).toMatchObject({ object: 'file', filename: document.filename, bytes: document.data.byteLength, purpose: 'assistants' });
        expect(file.id).toMatch(/^file-/);
        fileIds.set(document.filename, file.id);
      }
      const listed = await client.files.list({ purpose: 'assistants', order: 'asc' });
      // Files created in the same second are ordered by id, so compare as sets; order itself is checked by the provider suite.
      expect(listed.data.map((file) => file.filename).sort()).toEqual(documents.map((document) => document.filename).sort());
      const page = await client.files.list({ limit: 2 });
      expect(page.data).toHaveLength(2);
      expect(page.has_more).toBe(true);
      const pdfId = fileIds.get('volcanoes.pdf')!;
      expect(await client.files.retrieve(pdfId)).toMatchObject({ id: pdfId, filename: 'volcanoes.pdf' });
      const content = new Uint8Array(await (await client.files.content(pdfId)).arrayBuffer());
      expect(Buffer.from(content).equals(Buffer.from(documents[3]!.data))).toBe(true);
    });

    it('refuses an upload with a bad purpose and keeps nothing of it', async () => {
      const before = (await client.files.list()).data.length;
      const error = await client.files
        .create({ file: await toFile(new TextEncoder().encode('x'), 'x.txt'), purpose: 'nonsense' as 'assistants' })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(OpenAI.BadRequestError);
      expect((error as InstanceType<typeof OpenAI.BadRequestError>).message).toContain('purpose');
      expect((await client.files.list()).data.length).toBe(before);
    });

    it('creates a store with files, ingests them in the background and searches by meaning', async () => {
      const store = await client.vectorStores.create({ name: 'library', file_ids: [...fileIds.values()], metadata: { team: 'docs' } });
      storeId = store.id;
      expect(store).toMatchObject({ object: 'vector_store', name: 'library', metadata: { team: 'docs' } });
      const files = await waitForFiles(client, storeId, documents.length);
      for (const file of files) expect(file.status, JSON.stringify(file.last_error)).toBe('completed');
      const retrieved = await client.vectorStores.retrieve(storeId);
      expect(retrieved.file_counts).toEqual({ in_progress: 0, completed: documents.length, failed: 0, cancelled: 0, total: documents.length });
      expect(retrieved.usage_bytes).toBeGreaterThan(0);
      expect(retrieved.status).toBe('completed');

      for (const document of documents) {
        const results = await client.vectorStores.search(storeId, { query: document.question, max_num_results: 3 });
        expect(results.data[0]?.filename, `best hit for "${document.question}"`).toBe(document.filename);
        expect(results.data[0]?.file_id).toBe(fileIds.get(document.filename));
        expect(results.data[0]?.content[0]?.type).toBe('text');
      }
    });

    it('searches by keyword and hybrid, and filters on attributes', async () => {
      const keyword = await client.vectorStores.search(storeId, { query: 'Bastille', search_mode: 'keyword' } as OpenAI.VectorStores.VectorStoreSearchParams);
      expect(keyword.data.map((result) => result.filename)).toEqual(['revolution.html']);
      const hybrid = await client.vectorStores.search(storeId, { query: 'magma lava eruption', search_mode: 'hybrid', max_num_results: 2 } as OpenAI.VectorStores.VectorStoreSearchParams);
      expect(hybrid.data[0]?.filename).toBe('volcanoes.pdf');

      const breadId = fileIds.get('bread.txt')!;
      await client.vectorStores.files.update(breadId, { vector_store_id: storeId, attributes: { kind: 'recipe', year: 2024 } });
      const filtered = await client.vectorStores.search(storeId, { query: 'history of France', filters: { type: 'eq', key: 'kind', value: 'recipe' } });
      expect(filtered.data.map((result) => result.filename)).toEqual(['bread.txt']);
      expect(filtered.data[0]?.attributes).toEqual({ kind: 'recipe', year: 2024 });
      const none = await client.vectorStores.search(storeId, { query: 'bread', filters: { type: 'and', filters: [{ type: 'eq', key: 'kind', value: 'recipe' }, { type: 'lt', key: 'year', value: 2000 }] } });
      expect(none.data).toEqual([]);
    });

    it('reads a file’s chunks, lists files with a status filter, and deletes a file from search', async () => {
      const htmlId = fileIds.get('revolution.html')!;
      const content = await client.vectorStores.files.content(htmlId, { vector_store_id: storeId });
      const text = (await collectPage(content)).join(' ');
      expect(text).toContain('stormed the Bastille');
      expect(text).not.toContain('not part of the text');
      const completed = await client.vectorStores.files.list(storeId, { filter: 'completed', limit: 100 });
      expect(completed.data).toHaveLength(documents.length);
      await client.vectorStores.files.delete(htmlId, { vector_store_id: storeId });
      const after = await client.vectorStores.search(storeId, { query: 'Bastille', search_mode: 'keyword' } as OpenAI.VectorStores.VectorStoreSearchParams);
      expect(after.data).toEqual([]);
      expect((await client.vectorStores.retrieve(storeId)).file_counts.total).toBe(documents.length - 1);
    });

    it('runs file batches: create and poll, list their files, cancel', async () => {
      const store = await client.vectorStores.create({ name: 'batches' });
      const ids = [fileIds.get('photosynthesis.md')!, fileIds.get('bread.txt')!];
      const batch = await client.vectorStores.fileBatches.createAndPoll(store.id, { file_ids: ids }, { pollIntervalMs: 100 });
      expect(batch).toMatchObject({ vector_store_id: store.id, status: 'completed', file_counts: { completed: 2, total: 2 } });
      const listed = await client.vectorStores.fileBatches.listFiles(batch.id, { vector_store_id: store.id });
      expect(listed.data.map((file) => file.id).sort()).toEqual([...ids].sort());
      expect(await client.vectorStores.fileBatches.retrieve(batch.id, { vector_store_id: store.id })).toMatchObject({ id: batch.id, status: 'completed' });
      const cancelled = await client.vectorStores.fileBatches.cancel(batch.id, { vector_store_id: store.id });
      expect(cancelled.id).toBe(batch.id);
      expect(cancelled.file_counts.completed).toBe(2);
      const results = await client.vectorStores.search(store.id, { query: 'How do plants make their food from light?' });
      expect(results.data[0]?.filename).toBe('photosynthesis.md');
      const deleted = await client.vectorStores.delete(store.id);
      expect(deleted).toMatchObject({ id: store.id, deleted: true });
      const gone = await client.vectorStores.retrieve(store.id).catch((caught: unknown) => caught);
      expect(gone).toBeInstanceOf(OpenAI.BadRequestError);
    });

    it('pages through vector stores and answers 400 for unknown ones', async () => {
      const page = await client.vectorStores.list({ limit: 1, order: 'desc' });
      expect(page.data).toHaveLength(1);
      const error = await client.vectorStores.search('vs_missing', { query: 'x' }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(OpenAI.BadRequestError);
      const invalid = await client.vectorStores.search(storeId, { query: 'x', max_num_results: 500 }).catch((caught: unknown) => caught);
      expect((invalid as Error).message).toContain('max_num_results');
    });

    it('inserts and queries raw chunks through llama-stack-client', async () => {
      await stackClient.vectorIo.insert({
        vector_store_id: storeId,
        chunks: [
          { chunk_id: 'raw-1', content: 'Quantum computers use qubits that can be in superposition.', metadata: { document_id: 'quantum-notes', source: 'raw' } },
          { chunk_id: 'raw-2', content: 'Penguins live in the southern hemisphere and cannot fly.', metadata: { document_id: 'bird-notes' } },
        ] as unknown as Parameters<typeof stackClient.vectorIo.insert>[0]['chunks'],
      });
      const result = await stackClient.vectorIo.query({ vector_store_id: storeId, query: 'birds that swim but do not fly', params: { max_chunks: 1 } });
      expect(result.chunks[0]?.chunk_id).toBe('raw-2');
      expect(result.scores[0]).toBeGreaterThan(0);
    });

    it('serves the builtin::rag tool group: knowledge search with citations', async () => {
      const groups = (await (await fetch(`${deployment.server.url}/v1/toolgroups`)).json()) as { data: Array<{ identifier: string }> };
      expect(groups.data.map((group) => group.identifier)).toContain('builtin::rag');
      const tools = (await (await fetch(`${deployment.server.url}/v1/tool-runtime/list-tools?tool_group_id=builtin::rag`)).json()) as { data: Array<{ name: string }> };
      expect(tools.data.map((tool) => tool.name)).toContain('knowledge_search');
      const response = await fetch(`${deployment.server.url}/v1/tool-runtime/invoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ tool_name: 'knowledge_search', kwargs: { query: 'What happens when magma erupts from a mountain?', vector_store_ids: [storeId] } }),
      });
      expect(response.status).toBe(200);
      const result = (await response.json()) as { content: Array<{ type: string; text: string }>; metadata: { citations: Array<{ filename: string }> } };
      expect(result.metadata.citations[0]?.filename).toBe('volcanoes.pdf');
      expect(result.content.map((item) => item.text).join('\n')).toContain('magma');
    });

    it('registers and unregisters tool groups (deprecated routes) and finds tools by name', async () => {
      const base = deployment.server.url;
      const post = (path: string, body: unknown) => fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect((await post('/v1/toolgroups', { toolgroup_id: 'team::docs', provider_id: 'rag-runtime', args: { vector_store_ids: [storeId] } })).status).toBe(200);
      const group = (await (await fetch(`${base}/v1/toolgroups/team::docs`)).json()) as Record<string, unknown>;
      expect(group).toEqual({ identifier: 'team::docs', provider_id: 'rag-runtime', provider_resource_id: 'team::docs', type: 'tool_group', args: { vector_store_ids: [storeId] } });
      const tools = (await (await fetch(`${base}/v1/tools?toolgroup_id=team::docs`)).json()) as { data: Array<{ name: string; toolgroup_id: string; input_schema?: unknown }> };
      expect(tools.data.map((tool) => tool.name).sort()).toEqual(['insert_into_memory', 'knowledge_search']);
      expect(tools.data.every((tool) => tool.toolgroup_id === 'team::docs' && tool.input_schema)).toBe(true);
      const tool = (await (await fetch(`${base}/v1/tools/knowledge_search`)).json()) as { name: string };
      expect(tool.name).toBe('knowledge_search');
      const badProvider = await post('/v1/toolgroups', { toolgroup_id: 'x', provider_id: 'nope' });
      expect(badProvider.status).toBe(400);
      expect(((await badProvider.json()) as { error: { param: string } }).error.param).toBe('provider_id');
      expect((await fetch(`${base}/v1/toolgroups/team::docs`, { method: 'DELETE' })).status).toBe(200);
      expect((await fetch(`${base}/v1/toolgroups/team::docs`)).status).toBe(404);
      expect((await fetch(`${base}/v1/tools/no_such_tool`)).status).toBe(404);
      const unknown = await post('/v1/tool-runtime/invoke', { tool_name: 'no_such_tool', kwargs: {} });
      expect(unknown.status).toBe(404);
    });

    it('deletes a file everywhere', async () => {
      const id = fileIds.get('basketball.docx')!;
      expect(await client.files.delete(id)).toMatchObject({ id, deleted: true });
      const error = await client.files.retrieve(id).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    });
  });
}

async function waitForFiles(client: OpenAI, storeId: string, count: number): Promise<OpenAI.VectorStores.VectorStoreFile[]> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const files = await client.vectorStores.files.list(storeId, { limit: 100 });
    if (files.data.length === count && files.data.every((file) => file.status !== 'in_progress')) return files.data;
    if (Date.now() > deadline) throw new Error(`Ingestion did not finish: ${JSON.stringify(files.data.map((file) => file.status))}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function collectPage(page: AsyncIterable<{ text?: string }> | { data: Array<{ text?: string }> }): Promise<string[]> {
  const texts: string[] = [];
  if (Symbol.asyncIterator in page) {
    for await (const item of page) texts.push(item.text ?? '');
  } else {
    for (const item of page.data) texts.push(item.text ?? '');
  }
  return texts;
}
