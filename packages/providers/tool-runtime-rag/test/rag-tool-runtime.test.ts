import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidRequestError, UpstreamError, createRequestContext } from '@stack/core';
import { providerTestDependencies } from '@stack/core/testing';
import { countTokens } from '@stack/document-processing';
import type { ToolGroup, ToolInvocationResult, ToolRuntimeProvider } from '@stack/tool-runtime-api';
import { createRagToolRuntime, providerSpec, ragToolRuntimeConfigSchema, type KnowledgeSearchCitation } from '../src/index.js';
import { createTestVectorStores, startTestServer, type TestServer, type TestVectorStores } from './support.js';

const SOLAR =
  'Solar panels are made of photovoltaic cells. When sunlight strikes the silicon in a cell, it frees electrons, ' +
  'and the resulting current is collected as electricity. An inverter turns that direct current into alternating current for the home.';
const SOURDOUGH =
  '# Sourdough baking\n\nA sourdough starter is a mix of flour and water in which wild yeast and lactic acid bacteria live. ' +
  'Feed the starter daily; a lively starter makes the dough rise and gives the loaf its sour taste. Bake the loaf in a hot oven.';
const RABBITS_HTML = `<!doctype html><html><head><title>Rabbit care</title><style>p { color: red; }</style></head>
<body><h1>Caring for pet rabbits</h1>
<p>Rabbits should eat mostly fresh hay, with some leafy greens and a small portion of pellets each day.</p>
<p>Give your rabbit plenty of room to hop around, and clean the hutch every week.</p>
<script>window.trackingPixel = "do not index me";</script></body></html>`;

const group = (args?: Record<string, unknown>): ToolGroup => ({
  identifier: 'builtin::rag',
  provider_resource_id: 'builtin::rag',
  provider_id: 'rag-runtime',
  type: 'tool_group',
  ...(args ? { args } : {}),
});

const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

function texts(result: ToolInvocationResult): string[] {
  const content = result.content;
  if (!Array.isArray(content)) throw new Error(`expected a list of content items, got ${JSON.stringify(content)}`);
  return content.map((item) => (item.type === 'text' ? item.text : ''));
}

function citations(result: ToolInvocationResult): KnowledgeSearchCitation[] {
  return (result.metadata?.citations ?? []) as KnowledgeSearchCitation[];
}

let stores: TestVectorStores;
let server: TestServer;
let runtime: ToolRuntimeProvider;
let mainStore: string;
let otherStore: string;

beforeAll(async () => {
  stores = await createTestVectorStores();
  server = await startTestServer({
    '/guides/rabbits.html': { contentType: 'text/html; charset=utf-8', body: RABBITS_HTML },
    '/broken': { status: 503, contentType: 'text/plain', body: 'down for maintenance' },
  });
  const config = ragToolRuntimeConfigSchema.parse({});
  runtime = await providerSpec.create(
    config,
    providerTestDependencies('rag-runtime', {
      api: <T>(name: string) => {
        if (name !== 'vector_io') throw new Error(`unexpected dependency ${name}`);
        return stores.vectorIo as T;
      },
    }),
  );
  mainStore = await stores.createStore('main');
  otherStore = await stores.createStore('other');
});

afterAll(async () => {
  await server?.close();
  await stores?.close();
});

async function documentChunks(storeId: string, documentId: string) {
  const response = await stores.vectorIo.queryChunks({
    vector_store_id: storeId,
    query: 'anything',
    params: { max_chunks: 100, mode: 'vector', filters: { type: 'eq', key: 'document_id', value: documentId } },
  });
  return response.chunks;
}

describe('providerSpec', () => {
  it('is the inline::rag-runtime tool runtime depending on vector_io', () => {
    expect(providerSpec.api).toBe('tool_runtime');
    expect(providerSpec.providerType).toBe('inline::rag-runtime');
    expect(providerSpec.apiDependencies).toEqual(['vector_io']);
  });

  it('lists knowledge_search and insert_into_memory with JSON-schema arguments for the group', async () => {
    const tools = await runtime.listRuntimeTools(group({ vector_store_ids: ['vs_default'] }));
    expect(tools.map((tool) => tool.name)).toEqual(['knowledge_search', 'insert_into_memory']);
    for (const tool of tools) expect(tool.toolgroup_id).toBe('builtin::rag');
    const [search, insert] = tools;
    expect(search?.input_schema).toMatchObject({ type: 'object', required: ['query'], properties: { query: { type: 'string' } } });
    expect(JSON.stringify(search?.input_schema)).toContain('vs_default');
    expect(insert?.input_schema).toMatchObject({ type: 'object', required: ['documents'], properties: { documents: { type: 'array' } } });
    const [, insertWithoutDefault] = await runtime.listRuntimeTools(group());
    expect(insertWithoutDefault?.input_schema?.required).toEqual(['documents', 'vector_store_id']);
  });

  it('throws InvalidRequestError naming an unknown tool', async () => {
    const error = await runtime.invokeTool(group(), { tool_name: 'web_search', kwargs: { query: 'x' } }).catch((caught: unknown) => caught);
    expect(InvalidRequestError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain("'web_search'");
  });
});

describe('insert_into_memory and knowledge_search', () => {
  let inserted: ToolInvocationResult;

  beforeAll(async () => {
    inserted = await runtime.invokeTool(group(), {
      tool_name: 'insert_into_memory',
      kwargs: {
        vector_store_id: mainStore,
        documents: [
          { document_id: 'doc-solar', content: SOLAR, metadata: { topic: 'energy' } },
          { document_id: 'doc-bread', content: `data:text/markdown;base64,${base64(SOURDOUGH)}`, metadata: { filename: 'sourdough.md' } },
          { document_id: 'doc-rabbits', content: { uri: server.url('/guides/rabbits.html?session=secret') } },
        ],
      },
    });
  });

  it('reports what it inserted', () => {
    expect(inserted.error_message).toBeUndefined();
    expect(inserted.metadata).toEqual({ vector_store_id: mainStore, document_ids: ['doc-solar', 'doc-bread', 'doc-rabbits'], chunk_counts: [1, 1, 1] });
    expect(inserted.content).toContain('3 documents');
    expect(inserted.content).toContain(mainStore);
  });

  it('stores chunks with deterministic ids, metadata and chunk metadata', async () => {
    const [solar] = await documentChunks(mainStore, 'doc-solar');
    expect(solar).toMatchObject({
      chunk_id: 'doc-solar:0',
      content: SOLAR,
      metadata: { document_id: 'doc-solar', topic: 'energy', chunk_index: 0 },
      chunk_metadata: { document_id: 'doc-solar', chunk_id: 'doc-solar:0', content_token_count: countTokens(SOLAR), chunk_tokenizer: 'tiktoken:cl100k_base' },
    });
    const [bread] = await documentChunks(mainStore, 'doc-bread');
    expect(bread?.content).toBe(SOURDOUGH);
    expect(bread?.metadata).toMatchObject({ filename: 'sourdough.md' });
  });

  it('extracts the visible text of a fetched HTML page and records where it came from', async () => {
    const [rabbits] = await documentChunks(mainStore, 'doc-rabbits');
    const text = String(rabbits?.content);
    expect(text).toContain('fresh hay');
    expect(text).not.toContain('<p>');
    expect(text).not.toContain('trackingPixel');
    expect(rabbits?.metadata).toMatchObject({ document_id: 'doc-rabbits', filename: 'rabbits.html' });
    expect(rabbits?.chunk_metadata?.source).toBe(server.url('/guides/rabbits.html'));
    expect(server.requests).toContain('/guides/rabbits.html?session=secret');
  });

  it.each([
    ['How can I turn sunshine into power for my house?', 'doc-solar', ''],
    ['What should I feed my bunny?', 'doc-rabbits', 'rabbits.html'],
    ['How do I get my homemade loaf to rise?', 'doc-bread', 'sourdough.md'],
  ])('finds by meaning: %s', async (query, documentId, filename) => {
    const result = await runtime.invokeTool(group(), { tool_name: 'knowledge_search', kwargs: { query, vector_store_ids: [mainStore] } });
    expect(result.error_message).toBeUndefined();
    const first = citations(result)[0];
    expect(first).toMatchObject({ index: 1, document_id: documentId, file_id: documentId, filename, vector_store_id: mainStore });
    expect(result.metadata?.document_ids).toEqual(citations(result).map((citation) => citation.document_id));
    const scores = result.metadata?.scores as number[];
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(scores[0]).toBe(first?.score);

    const items = texts(result);
    expect(items).toHaveLength(citations(result).length + 2);
    expect(items[0]).toContain(`${citations(result).length} result`);
    expect(items[1]).toMatch(/^\[1\] /);
    expect(items[1]).toContain(filename || documentId);
    expect(items[1]).toContain((result.metadata?.chunks as string[])[0]);
    expect(items[2]).toMatch(/^\[2\] /);
    expect(items.at(-1)).toMatch(/cite/i);
  });

  it('takes its vector stores from the tool group args, older vector_db_ids too', async () => {
    for (const args of [{ vector_store_ids: [mainStore] }, { vector_db_ids: mainStore }]) {
      const result = await runtime.invokeTool(group(args), { tool_name: 'knowledge_search', kwargs: { query: 'photovoltaic cells' } });
      expect(citations(result)[0]?.document_id).toBe('doc-solar');
    }
    const legacy = await runtime.invokeTool(group(), { tool_name: 'knowledge_search', kwargs: { query: 'rabbit hutch', vector_db_ids: [mainStore] } });
    expect(citations(legacy)[0]?.document_id).toBe('doc-rabbits');
  });

  it('keeps at most max_chunks results', async () => {
    const one = await runtime.invokeTool(group(), { tool_name: 'knowledge_search', kwargs: { query: 'hay', vector_store_ids: [mainStore], max_chunks: 1 } });
    expect(citations(one)).toHaveLength(1);
    const two = await runtime.invokeTool(group(), { tool_name: 'knowledge_search', kwargs: { query: 'hay', vector_store_ids: [mainStore], max_chunks: '2' } });
    expect(citations(two)).toHaveLength(2);
  });

  it('searches keyword mode with a score threshold', async () => {
    const result = await runtime.invokeTool(group(), {
      tool_name: 'knowledge_search',
      kwargs: { query: 'sourdough starter', vector_store_ids: [mainStore], mode: 'keyword', score_threshold: 0.01 },
    });
    expect(citations(result).map((citation) => citation.document_id)).toEqual(['doc-bread']);
  });

  it('merges the results of several stores by score', async () => {
    const other = await runtime.invokeTool(group(), {
      tool_name: 'insert_into_memory',
      kwargs: {
        vector_db_id: otherStore,
        documents: [
          { document_id: 'doc-wind', content: 'Wind turbines turn the energy of moving air into electricity with a generator in the nacelle.' },
          { document_id: 'doc-tea', content: [{ type: 'text', text: 'Green tea is steeped in water below boiling for two minutes.' }] },
        ],
      },
    });
    expect(other.metadata).toMatchObject({ vector_store_id: otherStore, document_ids: ['doc-wind', 'doc-tea'] });
    const result = await runtime.invokeTool(group(), {
      tool_name: 'knowledge_search',
      kwargs: { query: 'renewable electricity generation', vector_store_ids: [mainStore, otherStore], max_chunks: 4 },
    });
    const found = citations(result);
    expect(found).toHaveLength(4);
    expect(new Set(found.map((citation) => citation.vector_store_id))).toEqual(new Set([mainStore, otherStore]));
    expect(found.slice(0, 2).map((citation) => citation.document_id).sort()).toEqual(['doc-solar', 'doc-wind']);
    expect(found.map((citation) => citation.score)).toEqual(found.map((citation) => citation.score).sort((a, b) => b - a));
    expect(found.map((citation) => citation.index)).toEqual([1, 2, 3, 4]);
  });

  it('answers with a text, not an error, when nothing is found', async () => {
    const empty = await stores.createStore('empty');
    const result = await runtime.invokeTool(group(), { tool_name: 'knowledge_search', kwargs: { query: 'anything at all', vector_store_ids: [empty] } });
    expect(result.error_message).toBeUndefined();
    expect(texts(result).join(' ')).toMatch(/no relevant information/i);
    expect(result.metadata).toMatchObject({ document_ids: [], chunks: [], scores: [], citations: [] });
  });

  it('replaces a document inserted again instead of duplicating it', async () => {
    const before = await documentChunks(mainStore, 'doc-solar');
    const again = await runtime.invokeTool(group({ vector_store_ids: [mainStore] }), {
      tool_name: 'insert_into_memory',
      kwargs: { documents: [{ document_id: 'doc-solar', content: SOLAR.replace('An inverter', 'A grid-tie inverter'), metadata: { topic: 'energy' } }] },
    });
    expect(again.metadata).toMatchObject({ vector_store_id: mainStore, chunk_counts: [1] });
    const after = await documentChunks(mainStore, 'doc-solar');
    expect(after).toHaveLength(before.length);
    expect(after.map((chunk) => chunk.chunk_id)).toEqual(before.map((chunk) => chunk.chunk_id));
    expect(String(after[0]?.content)).toContain('grid-tie');
    const result = await runtime.invokeTool(group(), { tool_name: 'knowledge_search', kwargs: { query: 'solar photovoltaic inverter', vector_store_ids: [mainStore], max_chunks: 10 } });
    expect(citations(result).filter((citation) => citation.document_id === 'doc-solar')).toHaveLength(1);
  });
});

describe('token budget', () => {
  const sentences = [
    'The Amazon river carries more water than any other river on Earth.',
    'Glaciers in the Alps have been shrinking for more than a century.',
    'The Sahara desert covers much of North Africa and keeps growing southward.',
    'Mount Everest rises higher above sea level than any other mountain.',
    'The Pacific Ocean is the deepest and largest of the world oceans.',
    'Lake Baikal in Siberia holds about a fifth of the unfrozen fresh water on Earth.',
  ];
  let store: string;

  beforeAll(async () => {
    store = await stores.createStore('geography');
    const result = await runtime.invokeTool(group(), {
      tool_name: 'insert_into_memory',
      kwargs: { vector_store_id: store, chunk_size_in_tokens: 20, documents: [{ document_id: 'geo', content: sentences.join(' ') }] },
    });
    expect((result.metadata?.chunk_counts as number[])[0]).toBeGreaterThan(4);
  });

  function budgetRuntime(maxTokens: number) {
    return createRagToolRuntime(ragToolRuntimeConfigSchema.parse({ max_tokens_in_context: maxTokens, max_chunks: '10' }), { vectorIo: stores.vectorIo });
  }

  it('chunks with the requested size and an overlap of at most half of it', async () => {
    const chunks = await documentChunks(store, 'geo');
    for (const chunk of chunks) expect(chunk.chunk_metadata?.content_token_count).toBeLessThanOrEqual(20);
    expect(chunks.map((chunk) => chunk.chunk_id).sort()).toEqual(chunks.map((_, index) => `geo:${index}`).sort());
  });

  it('stops adding results when the next would exceed max_tokens_in_context', async () => {
    const unlimited = await budgetRuntime(100_000).invokeTool(group(), { tool_name: 'knowledge_search', kwargs: { query: 'water on Earth', vector_store_ids: [store] } });
    const all = unlimited.metadata?.chunks as string[];
    expect(all.length).toBeGreaterThan(4);
    const budget = countTokens(all[0]!) + countTokens(all[1]!) + 1;
    const limited = await budgetRuntime(budget).invokeTool(group(), { tool_name: 'knowledge_search', kwargs: { query: 'water on Earth', vector_store_ids: [store] } });
    const kept = limited.metadata?.chunks as string[];
    expect(kept).toEqual(all.slice(0, 2));
    expect(kept.reduce((sum, text) => sum + countTokens(text), 0)).toBeLessThanOrEqual(budget);
  });

  it('cuts a first result larger than the whole budget to fit', async () => {
    const result = await budgetRuntime(5).invokeTool(group(), { tool_name: 'knowledge_search', kwargs: { query: 'mountains', vector_store_ids: [store] } });
    const kept = result.metadata?.chunks as string[];
    expect(kept).toHaveLength(1);
    expect(countTokens(kept[0]!)).toBeLessThanOrEqual(5);
    expect(kept[0]!.length).toBeGreaterThan(0);
  });
});

describe('argument errors come back in the result', () => {
  async function invoke(tool: string, kwargs: Record<string, unknown>, args?: Record<string, unknown>) {
    return runtime.invokeTool(group(args), { tool_name: tool, kwargs });
  }

  it.each([
    ['a missing query', { vector_store_ids: ['vs_x'] }, 'kwargs.query'],
    ['a blank query', { query: '   ', vector_store_ids: ['vs_x'] }, 'kwargs.query'],
    ['no vector store', { query: 'hello' }, 'vector_store_ids'],
    ['a bad max_chunks', { query: 'hello', vector_store_ids: ['vs_x'], max_chunks: 0 }, 'kwargs.max_chunks'],
    ['too many chunks', { query: 'hello', vector_store_ids: ['vs_x'], max_chunks: 51 }, 'kwargs.max_chunks'],
    ['an unknown mode', { query: 'hello', vector_store_ids: ['vs_x'], mode: 'fuzzy' }, 'kwargs.mode'],
    ['a negative score threshold', { query: 'hello', vector_store_ids: ['vs_x'], score_threshold: -1 }, 'kwargs.score_threshold'],
  ])('knowledge_search: %s', async (_name, kwargs, field) => {
    const result = await invoke('knowledge_search', kwargs);
    expect(result.error_code).toBe(400);
    expect(result.error_message).toContain(field);
  });

  it('knowledge_search: an unknown vector store gives the vector store error message', async () => {
    const expected = await stores.vectorIo.searchVectorStore('vs_missing', { query: 'x' }).catch((error: Error) => error);
    expect(InvalidRequestError.isInstance(expected)).toBe(true);
    const result = await invoke('knowledge_search', { query: 'hello', vector_store_ids: [mainStore, 'vs_missing'] });
    expect(result).toMatchObject({ error_code: 400, error_message: (expected as Error).message });
  });

  it.each([
    ['no vector store', { documents: [{ document_id: 'a', content: 'text' }] }, 'kwargs.vector_store_id'],
    ['no documents', { vector_store_id: 'vs_x', documents: [] }, 'kwargs.documents'],
    ['documents that are not a list', { vector_store_id: 'vs_x', documents: 'hello' }, 'kwargs.documents'],
    ['a document without an id', { vector_store_id: 'vs_x', documents: [{ content: 'text' }] }, 'kwargs.documents[0].document_id'],
    ['a document with bad content', { vector_store_id: 'vs_x', documents: [{ document_id: 'a', content: 42 }] }, 'kwargs.documents[0].content'],
    ['repeated document ids', { vector_store_id: 'vs_x', documents: [{ document_id: 'a', content: 'x' }, { document_id: 'a', content: 'y' }] }, 'kwargs.documents[1].document_id'],
    ['a bad chunk size', { vector_store_id: 'vs_x', chunk_size_in_tokens: 0, documents: [{ document_id: 'a', content: 'x' }] }, 'kwargs.chunk_size_in_tokens'],
  ])('insert_into_memory: %s', async (_name, kwargs, field) => {
    const result = await invoke('insert_into_memory', kwargs);
    expect(result.error_code).toBe(400);
    expect(result.error_message).toContain(field);
  });

  it.each([
    ['a URL that answers 404', () => ({ uri: server.url('/nowhere') }), '404'],
    ['a file: URI', () => ({ uri: 'file:///etc/passwd' }), 'http(s) or data: URL'],
    ['a data: URL without data', () => 'data:text/plain;base64', "','"],
    ['invalid base64', () => 'data:text/plain;base64,@@@@', 'not valid base64'],
    ['binary data in no supported format', () => `data:application/octet-stream;base64,${Buffer.from([0, 1, 2, 255, 254, 0, 7]).toString('base64')}`, 'unsupported'],
    ['an image only', () => [{ type: 'image', image: { url: { uri: 'https://example.com/a.png' } } }], 'no text'],
    ['whitespace only', () => '   \n ', 'no text'],
  ])('insert_into_memory: %s', async (_name, content, expected) => {
    const result = await invoke('insert_into_memory', { vector_store_id: mainStore, documents: [{ document_id: 'bad-doc', content: content() }] });
    expect(result.error_code).toBe(400);
    expect(result.error_message).toContain(expected);
    expect(result.error_message).toContain('kwargs.documents[0]');
    expect(await documentChunks(mainStore, 'bad-doc')).toHaveLength(0);
  });

  it('insert_into_memory: an unknown vector store gives the vector store error message', async () => {
    const result = await invoke('insert_into_memory', { vector_store_id: 'vs_missing', documents: [{ document_id: 'a', content: 'hello there' }] });
    expect(result.error_code).toBe(400);
    expect(result.error_message).toContain("'vs_missing'");
  });

  it('insert_into_memory: inserts nothing when a later document is bad', async () => {
    const result = await invoke('insert_into_memory', {
      vector_store_id: mainStore,
      documents: [
        { document_id: 'good-first', content: 'A perfectly fine document.' },
        { document_id: 'bad-second', content: { uri: server.url('/missing') } },
      ],
    });
    expect(result.error_message).toContain('kwargs.documents[1]');
    expect(await documentChunks(mainStore, 'good-first')).toHaveLength(0);
  });
});

describe('failures of a document server throw', () => {
  it('a 5xx answer is an UpstreamError', async () => {
    const error = await runtime
      .invokeTool(group(), { tool_name: 'insert_into_memory', kwargs: { vector_store_id: mainStore, documents: [{ document_id: 'x', content: server.url('/broken') }] } })
      .catch((caught: unknown) => caught);
    expect(UpstreamError.isInstance(error)).toBe(true);
    expect((error as UpstreamError).upstreamStatus).toBe(503);
  });

  it('a server that never answers times out', async () => {
    const quick = createRagToolRuntime(ragToolRuntimeConfigSchema.parse({}), { vectorIo: stores.vectorIo, fetchTimeoutMs: 200 });
    const started = Date.now();
    const error = await quick
      .invokeTool(group(), { tool_name: 'insert_into_memory', kwargs: { vector_store_id: mainStore, documents: [{ document_id: 'x', content: server.url('/slow') }] } })
      .catch((caught: unknown) => caught);
    expect(UpstreamError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('timed out');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('a document larger than the limit is refused with 413', async () => {
    const small = createRagToolRuntime(ragToolRuntimeConfigSchema.parse({}), { vectorIo: stores.vectorIo, maxDocumentBytes: 100 });
    const result = await small.invokeTool(group(), {
      tool_name: 'insert_into_memory',
      kwargs: { vector_store_id: mainStore, documents: [{ document_id: 'x', content: server.url('/guides/rabbits.html') }] },
    });
    expect(result.error_code).toBe(413);
    expect(result.error_message).toContain('100-byte');
  });

  it('the caller aborting stops the download', async () => {
    const controller = new AbortController();
    const pending = runtime.invokeTool(
      group(),
      { tool_name: 'insert_into_memory', kwargs: { vector_store_id: mainStore, documents: [{ document_id: 'x', content: server.url('/slow') }] } },
      createRequestContext({ signal: controller.signal }),
    );
    setTimeout(() => controller.abort(new Error('client went away')), 50);
    await expect(pending).rejects.toThrow('client went away');
  });
});
