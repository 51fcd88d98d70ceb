import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { embeddingFor, replyFor } from '@stack/openai-compatible/testing';
import recordedModels from '../__fixtures__/llama-stack-models.json' with { type: 'json' };

export interface RecordedCall {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: any;
}

export interface LlamaStackFakeOptions {
  /** When set, requests must carry `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /** Content pieces per streamed answer (default 4). */
  streamChunks?: number;
  /** Delay between streamed pieces (default 0). */
  chunkDelayMs?: number;
}

export interface LlamaStackFake {
  /** `http://127.0.0.1:<port>`, the server's root (its routes are under `/v1`). */
  readonly url: string;
  readonly calls: RecordedCall[];
  /** Streams whose client went away before the last piece. */
  readonly abortedStreams: number;
  lastCall(path?: string): RecordedCall | undefined;
  close(): Promise<void>;
}

const models = recordedModels.data;
const typeOf = (id: unknown) => models.find((model) => model.id === id)?.custom_metadata.model_type;
const dimensionOf = (id: unknown) => Number(models.find((model) => model.id === id)?.custom_metadata.embedding_dimension ?? 0);

function lastUserText(messages: unknown): string {
  const last = Array.isArray(messages) ? [...messages].reverse().find((message) => message?.role === 'user') : undefined;
  const content = last?.content;
  if (typeof content === 'string') return content;
  return Array.isArray(content) ? content.map((part: { text?: string }) => part.text ?? '').join('') : '';
}

function pieces(text: string, count: number): string[] {
  const size = Math.max(1, Math.ceil(text.length / count));
  const parts: string[] = [];
  for (let start = 0; start < text.length; start += size) parts.push(text.slice(start, start + size));
  while (parts.length < count) parts.push('');
  return parts;
}

const words = (text: string) => Math.max(1, text.split(/\s+/).filter(Boolean).length);

/**
 * A Llama Stack server as another stack sees it: `/v1/models` lists registered models (recorded
 * payload, types in `custom_metadata`), and the OpenAI-compatible inference routes answer by
 * echoing the prompt. Errors use its FastAPI shape (`{"detail": …}`, 404 for an unknown model),
 * and streams end without `[DONE]`, as its SSE writer does.
 */
export async function startLlamaStackFake(options: LlamaStackFakeOptions = {}): Promise<LlamaStackFake> {
  const calls: RecordedCall[] = [];
  const streamChunks = options.streamChunks ?? 4;
  let abortedStreams = 0;
  let sequence = 0;

  const send = (response: ServerResponse, status: number, body: unknown) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  };
  const notFound = (response: ServerResponse, model: unknown) =>
    send(response, 404, { detail: `Model '${String(model)}' not found. Use 'client.models.list()' to list available Models.` });

  async function stream(response: ServerResponse, frames: unknown[]): Promise<void> {
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    let closed = false;
    response.on('close', () => {
      if (!response.writableFinished) {
        closed = true;
        abortedStreams += 1;
      }
    });
    for (const [index, frame] of frames.entries()) {
      if (closed) return;
      if (index > 0 && options.chunkDelayMs) await new Promise((resolve) => setTimeout(resolve, options.chunkDelayMs));
      if (closed) return;
      response.write(`data: ${JSON.stringify(frame)}\n\n`);
    }
    response.end();
  }

  function chat(response: ServerResponse, body: any): void {
    if (typeOf(body.model) !== 'llm') return notFound(response, body.model);
    const prompt = lastUserText(body.messages);
    const reply = replyFor(prompt);
    const id = `chatcmpl-${++sequence}`;
    const created = Math.floor(Date.now() / 1000);
    const usage = { prompt_tokens: words(prompt), completion_tokens: words(reply), total_tokens: words(prompt) + words(reply) };
    if (body.stream !== true) {
      return send(response, 200, {
        id,
        object: 'chat.completion',
        created,
        model: body.model,
        choices: [{ index: 0, message: { role: 'assistant', content: reply }, finish_reason: 'stop', logprobs: null }],
        usage,
      });
    }
    const chunk = (delta: unknown, finish: string | null) => ({
      id,
      object: 'chat.completion.chunk',
      created,
      model: body.model,
      choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
    });
    const frames: unknown[] = pieces(reply, streamChunks).map((piece, index) => chunk(index === 0 ? { role: 'assistant', content: piece } : { content: piece }, null));
    frames.push(chunk({}, 'stop'));
    if (body.stream_options?.include_usage) frames.push({ id, object: 'chat.completion.chunk', created, model: body.model, choices: [], usage });
    void stream(response, frames);
  }

  function completion(response: ServerResponse, body: any): void {
    if (typeOf(body.model) !== 'llm') return notFound(response, body.model);
    const prompt = Array.isArray(body.prompt) ? String(body.prompt[0] ?? '') : String(body.prompt ?? '');
    const reply = replyFor(prompt);
    const id = `cmpl-${++sequence}`;
    const created = Math.floor(Date.now() / 1000);
    const object = (text: string, finish: string | null) => ({
      id,
      object: 'text_completion',
      created,
      model: body.model,
      choices: [{ index: 0, text, finish_reason: finish, logprobs: null }],
    });
    if (body.stream !== true) {
      return send(response, 200, { ...object(reply, 'stop'), usage: { prompt_tokens: words(prompt), completion_tokens: words(reply), total_tokens: words(prompt) + words(reply) } });
    }
    void stream(response, [...pieces(reply, streamChunks).map((piece) => object(piece, null)), object('', 'stop')]);
  }

  function embeddings(response: ServerResponse, body: any): void {
    if (typeOf(body.model) !== 'embedding') return notFound(response, body.model);
    const inputs: string[] = Array.isArray(body.input) ? body.input : [body.input];
    const dimension = dimensionOf(body.model);
    send(response, 200, {
      object: 'list',
      model: body.model,
      data: inputs.map((input, index) => {
        const vector = embeddingFor(String(input), dimension);
        const embedding = body.encoding_format === 'base64' ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector;
        return { object: 'embedding', index, embedding };
      }),
      usage: { prompt_tokens: inputs.reduce((sum, input) => sum + words(String(input)), 0), total_tokens: inputs.reduce((sum, input) => sum + words(String(input)), 0) },
    });
  }

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const body = raw ? JSON.parse(raw) : undefined;
      const path = (request.url ?? '/').split('?')[0];
      calls.push({ method: request.method ?? 'GET', path, headers: request.headers, body });
      if (options.apiKey !== undefined && request.headers.authorization !== `Bearer ${options.apiKey}`) {
        return send(response, 401, { error: { message: 'Authentication required: invalid or missing API key' } });
      }
      if (request.method === 'GET' && path === '/v1/models') return send(response, 200, recordedModels);
      if (request.method === 'POST' && path === '/v1/chat/completions') return chat(response, body);
      if (request.method === 'POST' && path === '/v1/completions') return completion(response, body);
      if (request.method === 'POST' && path === '/v1/embeddings') return embeddings(response, body);
      send(response, 404, { detail: 'Not Found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    get abortedStreams() {
      return abortedStreams;
    },
    lastCall(path) {
      return [...calls].reverse().find((call) => path === undefined || call.path === path);
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
