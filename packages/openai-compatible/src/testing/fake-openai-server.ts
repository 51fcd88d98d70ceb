import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import {
  argumentsForSchema,
  countTokens,
  embeddingFor,
  encodeEmbeddingBase64,
  lastUserText,
  promptTokensOfMessages,
  replyFor,
  splitIntoPieces,
} from './fake-generation.js';

/** Which server the fake imitates: it shapes `/v1/models` entries, error texts and extra fields. */
export type FakeServerFlavor = 'vllm' | 'openai' | 'ollama';

export interface FakeModel {
  id: string;
  /** Defaults to `llm`. */
  type?: 'llm' | 'embedding';
  /**
   * Vector size of an embedding model (default 384). For an Ollama LLM it is the hidden size
   * reported as `<arch>.embedding_length` (default 3072), which is not an embedding dimension.
   */
  embeddingDimension?: number;
  /** vLLM's `max_model_len`, Ollama's `<arch>.context_length` (default 8192). */
  contextLength?: number;
  ownedBy?: string;
  /** Ollama's `general.architecture`, the prefix of `model_info` keys (default `llama` / `nomic-bert`). */
  architecture?: string;
  /** Ollama's `capabilities` (default `["completion","tools"]` or `["embedding"]`). */
  capabilities?: string[];
}

export interface FakeOpenAIServerOptions {
  /** Default `vllm`. `ollama` also serves `/api/tags`, `/api/show`, `/api/version`. */
  flavor?: FakeServerFlavor;
  /** The served models; defaults depend on the flavor (one chat model, one embedding model). */
  models?: FakeModel[];
  /** When set, `/v1/*` requests must carry `Authorization: Bearer <apiKey>` or get a 401. */
  apiKey?: string;
  /** Content chunks per streamed reply (the reply is padded or grouped to fit). */
  streamChunks?: number;
  /** Delay after the stream's headers before its first chunk. */
  firstChunkDelayMs?: number;
  /** Delay between consecutive chunks of a stream. */
  chunkDelayMs?: number;
  /** Served verbatim by `GET /v1/models` instead of the generated list (e.g. a recorded payload). */
  modelsResponse?: unknown;
  /** Served verbatim by `POST /api/show`, keyed by model name (e.g. recorded payloads). */
  ollamaShowResponses?: Record<string, unknown>;
  /** Keep a log of received requests (default true); a benchmark may turn it off. */
  recordRequests?: boolean;
  /**
   * Break every stream after `afterChunks` frames: `error-event` sends an error frame in the
   * OpenAI envelope (as vLLM does when generation fails mid-stream) and ends it; `disconnect`
   * drops the connection without a last frame.
   */
  streamFailure?: { afterChunks: number; mode: 'error-event' | 'disconnect'; message?: string };
  /** Serve HTTPS with this key and certificate (PEM) instead of plain HTTP. */
  tls?: { key: string | Buffer; cert: string | Buffer };
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** The parsed JSON body, or undefined when there was none. */
  body: any;
}

export interface FakeStreamStats {
  /** Streams whose headers were sent. */
  opened: number;
  /** Streams that sent their last frame (`data: [DONE]`). */
  completed: number;
  /** Streams whose connection closed before the last frame: the client went away (or `streamFailure` dropped it). */
  aborted: number;
}

export interface FakeFailure {
  status: number;
  message?: string;
  type?: string;
  code?: string | null;
  /** How many of the next `/v1/*` requests fail this way (default 1). */
  times?: number;
  /** Sent as the `Retry-After` header (seconds), as rate-limited services do. */
  retryAfterSeconds?: number;
}

export interface FakeOpenAIServer {
  /** `http://127.0.0.1:<port>` (`https://` with the `tls` option). */
  readonly url: string;
  /** `http://127.0.0.1:<port>/v1`, the OpenAI base URL. */
  readonly baseURL: string;
  readonly port: number;
  readonly requests: RecordedRequest[];
  readonly streams: Readonly<FakeStreamStats>;
  /** Streams currently open. */
  readonly openStreams: number;
  /** TCP connections accepted so far: a client that reuses connections keeps this low. */
  readonly connections: number;
  /** The last recorded request, optionally the last one to a path. */
  lastRequest(path?: string): RecordedRequest | undefined;
  /** Make the next `/v1/*` request(s) fail with an OpenAI error envelope. */
  failNext(failure: FakeFailure): void;
  /** Clears recorded requests, stream counts and pending failures. */
  reset(): void;
  close(): Promise<void>;
}

interface ResolvedModel {
  id: string;
  type: 'llm' | 'embedding';
  embeddingDimension: number;
  contextLength: number;
  ownedBy: string;
  architecture: string;
  capabilities: string[];
  digest: string;
}

const defaultModels: Record<FakeServerFlavor, FakeModel[]> = {
  vllm: [
    { id: 'meta-llama/Llama-3.2-3B-Instruct', contextLength: 131072 },
    { id: 'nomic-ai/nomic-embed-text-v1.5', type: 'embedding', embeddingDimension: 768, contextLength: 8192 },
  ],
  openai: [
    { id: 'gpt-4o-mini' },
    { id: 'text-embedding-3-small', type: 'embedding', embeddingDimension: 1536 },
  ],
  ollama: [
    { id: 'llama3.2:3b', contextLength: 131072, embeddingDimension: 3072 },
    { id: 'nomic-embed-text:latest', type: 'embedding', embeddingDimension: 768, contextLength: 2048, architecture: 'nomic-bert' },
  ],
};

const defaultOwner: Record<FakeServerFlavor, string> = { vllm: 'vllm', openai: 'system', ollama: 'library' };

/** Starts the fake on 127.0.0.1 on an ephemeral port. */
export async function startFakeOpenAIServer(options: FakeOpenAIServerOptions = {}): Promise<FakeOpenAIServer> {
  const flavor = options.flavor ?? 'vllm';
  const models = new Map<string, ResolvedModel>();
  for (const model of options.models ?? defaultModels[flavor]) models.set(model.id, resolveModel(model, flavor));
  const recordRequests = options.recordRequests ?? true;
  const requests: RecordedRequest[] = [];
  const streams: FakeStreamStats = { opened: 0, completed: 0, aborted: 0 };
  const failures: FakeFailure[] = [];
  const created = Math.floor(Date.now() / 1000);
  let sequence = 0;

  const listener = (request: IncomingMessage, response: ServerResponse) => {
    readBody(request).then(
      (raw) => handle(request, response, raw),
      () => response.destroy(),
    );
  };
  const server = options.tls
    ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert, noDelay: true, keepAlive: true }, listener)
    : createServer({ noDelay: true, keepAlive: true }, listener);
  let connections = 0;
  server.on(options.tls ? 'secureConnection' : 'connection', () => {
    connections += 1;
  });

  function handle(request: IncomingMessage, response: ServerResponse, raw: string): void {
    const path = (request.url ?? '/').split('?')[0];
    const method = request.method ?? 'GET';
    let body: any;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw);
      } catch {
        if (recordRequests) requests.push({ method, path, headers: request.headers, body: raw });
        sendError(response, 400, 'Invalid JSON in request body.', 'invalid_request_error');
        return;
      }
    }
    if (recordRequests) requests.push({ method, path, headers: request.headers, body });

    if (path.startsWith('/v1/')) {
      if (options.apiKey !== undefined && request.headers.authorization !== `Bearer ${options.apiKey}`) {
        // OpenAI's wording; the key itself is never echoed.
        sendError(response, 401, 'Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key');
        return;
      }
      const failure = failures[0];
      if (failure) {
        if ((failure.times = (failure.times ?? 1) - 1) <= 0) failures.shift();
        if (failure.retryAfterSeconds !== undefined) response.setHeader('Retry-After', String(failure.retryAfterSeconds));
        sendError(response, failure.status, failure.message ?? 'Upstream failure.', failure.type ?? 'server_error', failure.code ?? null);
        return;
      }
    }

    if (method === 'GET' && path === '/v1/models') return listModels(response);
    if (method === 'GET' && path.startsWith('/v1/models/')) return retrieveModel(response, decodeURIComponent(path.slice('/v1/models/'.length)));
    if (method === 'POST' && path === '/v1/chat/completions') return chatCompletion(response, body);
    if (method === 'POST' && path === '/v1/completions') return completion(response, body);
    if (method === 'POST' && path === '/v1/embeddings') return embeddings(response, body);
    if (flavor === 'vllm' && method === 'GET' && path === '/health') return sendRaw(response, 200, '', 'text/plain');
    if (flavor === 'ollama') {
      if (method === 'GET' && path === '/') return sendRaw(response, 200, 'Ollama is running', 'text/plain; charset=utf-8');
      if (method === 'GET' && path === '/api/version') return sendJson(response, 200, { version: '0.12.6' });
      if (method === 'GET' && path === '/api/tags') return ollamaTags(response);
      if (method === 'POST' && path === '/api/show') return ollamaShow(response, body);
    }
    if (flavor === 'vllm') return sendJson(response, 404, { detail: 'Not Found' });
    sendError(response, 404, `Unknown path ${path}.`, 'invalid_request_error');
  }

  function listModels(response: ServerResponse): void {
    if (options.modelsResponse !== undefined) return sendJson(response, 200, options.modelsResponse);
    sendJson(response, 200, { object: 'list', data: [...models.values()].map(modelEntry) });
  }

  function retrieveModel(response: ServerResponse, id: string): void {
    const model = models.get(id);
    if (!model) return modelNotFound(response, id);
    sendJson(response, 200, modelEntry(model));
  }

  function modelEntry(model: ResolvedModel): Record<string, unknown> {
    const entry: Record<string, unknown> = { id: model.id, object: 'model', created, owned_by: model.ownedBy };
    if (flavor === 'vllm') {
      entry.root = model.id;
      entry.parent = null;
      entry.max_model_len = model.contextLength;
      entry.permission = [
        {
          id: `modelperm-${model.digest.slice(0, 24)}`,
          object: 'model_permission',
          created,
          allow_create_engine: false,
          allow_sampling: true,
          allow_logprobs: true,
          allow_search_indices: false,
          allow_view: true,
          allow_fine_tuning: false,
          organization: '*',
          group: null,
          is_blocking: false,
        },
      ];
    }
    return entry;
  }

  function modelNotFound(response: ServerResponse, id: string): void {
    if (flavor === 'ollama') {
      return sendError(response, 404, `model "${id}" not found, try pulling it first`, 'api_error');
    }
    if (flavor === 'vllm') return sendError(response, 404, `The model \`${id}\` does not exist.`, 'NotFoundError', '404');
    sendError(response, 404, `The model \`${id}\` does not exist or you do not have access to it.`, 'invalid_request_error', 'model_not_found');
  }

  /** Validates the common fields; answers the error itself and returns undefined when invalid. */
  function requireModel(response: ServerResponse, body: any, wanted: 'llm' | 'embedding'): ResolvedModel | undefined {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      sendError(response, 400, 'The request body must be a JSON object.', 'invalid_request_error');
      return undefined;
    }
    if (typeof body.model !== 'string' || body.model.length === 0) {
      sendError(response, 400, "Missing required parameter: 'model'.", 'invalid_request_error', 'missing_required_parameter', 'model');
      return undefined;
    }
    const model = models.get(body.model);
    if (!model) {
      modelNotFound(response, body.model);
      return undefined;
    }
    if (model.type !== wanted) {
      const api = wanted === 'llm' ? 'Completions' : 'Embeddings';
      sendError(response, 400, `The model \`${model.id}\` does not support the ${api} API.`, 'invalid_request_error');
      return undefined;
    }
    return model;
  }

  function chatCompletion(response: ServerResponse, body: any): void {
    const model = requireModel(response, body, 'llm');
    if (!model) return;
    if (!Array.isArray(body.messages) || body.messages.length === 0) {
      return sendError(response, 400, "Invalid 'messages': expected a non-empty array.", 'invalid_request_error', 'invalid_value', 'messages');
    }
    const id = `chatcmpl-${++sequence}`;
    const prompt = lastUserText(body.messages);
    const promptTokens = promptTokensOfMessages(body.messages);
    const tool = chosenTool(body.tools, body.tool_choice);
    const vllmExtras = flavor === 'vllm';

    if (tool) {
      const callId = `call_${sequence}`;
      const argumentsText = JSON.stringify(argumentsForSchema(tool.parameters, prompt));
      const usage = { prompt_tokens: promptTokens, completion_tokens: countTokens(argumentsText) + 1, total_tokens: 0 };
      usage.total_tokens = usage.prompt_tokens + usage.completion_tokens;
      if (body.stream !== true) {
        const message = {
          role: 'assistant',
          content: null,
          refusal: null,
          tool_calls: [{ id: callId, type: 'function', function: { name: tool.name, arguments: argumentsText } }],
          ...(vllmExtras ? { reasoning_content: null } : {}),
        };
        return sendJson(response, 200, chatCompletionObject(id, model.id, message, 'tool_calls', usage));
      }
      const deltas: Array<Record<string, unknown>> = [
        { role: 'assistant', content: null, tool_calls: [{ index: 0, id: callId, type: 'function', function: { name: tool.name, arguments: '' } }] },
        ...splitIntoPieces(argumentsText, options.streamChunks).map((piece) => ({ tool_calls: [{ index: 0, function: { arguments: piece } }] })),
      ];
      return streamChat(response, body, id, model.id, deltas, 'tool_calls', usage);
    }

    let pieces = splitIntoPieces(replyFor(prompt), options.streamChunks);
    let finishReason = 'stop';
    const limit = positiveInteger(body.max_completion_tokens) ?? positiveInteger(body.max_tokens);
    if (limit !== undefined && pieces.length > limit) {
      pieces = pieces.slice(0, limit);
      finishReason = 'length';
    }
    const usage = { prompt_tokens: promptTokens, completion_tokens: pieces.length, total_tokens: promptTokens + pieces.length };
    if (body.stream !== true) {
      const message = {
        role: 'assistant',
        content: pieces.join(''),
        refusal: null,
        ...(vllmExtras ? { tool_calls: [], reasoning_content: null } : {}),
      };
      return sendJson(response, 200, chatCompletionObject(id, model.id, message, finishReason, usage));
    }
    const deltas = [{ role: 'assistant', content: '' }, ...pieces.map((piece) => ({ content: piece }))];
    streamChat(response, body, id, model.id, deltas, finishReason, usage);
  }

  function chatCompletionObject(id: string, model: string, message: unknown, finishReason: string, usage: unknown) {
    return {
      id,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model,
      choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason }],
      usage,
      system_fingerprint: null,
      ...(flavor === 'vllm' ? { service_tier: null, prompt_logprobs: null, kv_transfer_params: null } : {}),
    };
  }

  function streamChat(
    response: ServerResponse,
    body: any,
    id: string,
    model: string,
    deltas: Array<Record<string, unknown>>,
    finishReason: string,
    usage: Record<string, number>,
  ): void {
    const includeUsage = body.stream_options?.include_usage === true;
    const createdAt = Math.floor(Date.now() / 1000);
    const chunk = (choices: unknown[], usageValue?: unknown) => ({
      id,
      object: 'chat.completion.chunk',
      created: createdAt,
      model,
      system_fingerprint: null,
      choices,
      ...(includeUsage ? { usage: usageValue ?? null } : {}),
    });
    const frames = deltas.map((delta) => chunk([{ index: 0, delta, logprobs: null, finish_reason: null }]));
    frames.push(chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: finishReason }]));
    if (includeUsage) frames.push(chunk([], usage));
    sendStream(response, frames);
  }

  function completion(response: ServerResponse, body: any): void {
    const model = requireModel(response, body, 'llm');
    if (!model) return;
    const prompt = Array.isArray(body.prompt) ? (typeof body.prompt[0] === 'string' ? body.prompt[0] : '') : body.prompt;
    if (typeof prompt !== 'string') {
      return sendError(response, 400, "Invalid 'prompt': expected a string or an array of strings.", 'invalid_request_error', 'invalid_value', 'prompt');
    }
    const id = `cmpl-${++sequence}`;
    let pieces = splitIntoPieces(replyFor(prompt), options.streamChunks);
    let finishReason = 'stop';
    const limit = positiveInteger(body.max_tokens);
    if (limit !== undefined && pieces.length > limit) {
      pieces = pieces.slice(0, limit);
      finishReason = 'length';
    }
    const promptTokens = countTokens(prompt);
    const usage = { prompt_tokens: promptTokens, completion_tokens: pieces.length, total_tokens: promptTokens + pieces.length };
    const createdAt = Math.floor(Date.now() / 1000);
    const choice = (text: string, finish: string | null) => ({
      index: 0,
      text,
      logprobs: null,
      finish_reason: finish,
      ...(flavor === 'vllm' ? { stop_reason: null } : {}),
    });
    const object = (choices: unknown[], usageValue: unknown) => ({
      id,
      object: 'text_completion',
      created: createdAt,
      model: model.id,
      choices,
      usage: usageValue,
      system_fingerprint: null,
    });
    if (body.stream !== true) return sendJson(response, 200, object([choice(pieces.join(''), finishReason)], usage));
    const frames = pieces.map((piece) => object([choice(piece, null)], null));
    frames.push(object([choice('', finishReason)], null));
    if (body.stream_options?.include_usage === true) frames.push(object([], usage));
    sendStream(response, frames);
  }

  function embeddings(response: ServerResponse, body: any): void {
    const model = requireModel(response, body, 'embedding');
    if (!model) return;
    const inputs = embeddingInputs(body.input);
    if (!inputs || inputs.length === 0) {
      return sendError(response, 400, "Invalid 'input': expected a non-empty string or array.", 'invalid_request_error', 'invalid_value', 'input');
    }
    const dimension = positiveInteger(body.dimensions) ?? model.embeddingDimension;
    const base64 = body.encoding_format === 'base64';
    let promptTokens = 0;
    const data = inputs.map((text, index) => {
      promptTokens += countTokens(text);
      const vector = embeddingFor(text, dimension);
      return { object: 'embedding', index, embedding: base64 ? encodeEmbeddingBase64(vector) : vector };
    });
    sendJson(response, 200, { object: 'list', data, model: model.id, usage: { prompt_tokens: promptTokens, total_tokens: promptTokens } });
  }

  function ollamaTags(response: ServerResponse): void {
    const entries = [...models.values()].map((model) => ({
      name: model.id,
      model: model.id,
      modified_at: '2025-05-14T09:21:37.123456789Z',
      size: model.type === 'embedding' ? 274302450 : 2019393189,
      digest: model.digest,
      details: ollamaDetails(model),
    }));
    sendJson(response, 200, { models: entries });
  }

  function ollamaShow(response: ServerResponse, body: any): void {
    const name = typeof body?.model === 'string' ? body.model : body?.name;
    if (typeof name !== 'string') return sendJson(response, 400, { error: 'model is required' });
    const recorded = options.ollamaShowResponses?.[name];
    if (recorded !== undefined) return sendJson(response, 200, recorded);
    const model = models.get(name) ?? models.get(`${name}:latest`);
    if (!model) return sendJson(response, 404, { error: `model '${name}' not found` });
    const arch = model.architecture;
    sendJson(response, 200, {
      license: 'LLAMA 3.2 COMMUNITY LICENSE AGREEMENT',
      modelfile: `# Modelfile generated by "ollama show"\nFROM /root/.ollama/models/blobs/sha256-${model.digest}\n`,
      parameters: model.type === 'embedding' ? 'num_ctx                        8192' : 'stop                           "<|eot_id|>"',
      template: model.type === 'embedding' ? '{{ .Prompt }}' : '{{- range .Messages }}{{ .Content }}{{ end }}',
      details: ollamaDetails(model),
      model_info: {
        'general.architecture': arch,
        'general.file_type': 15,
        'general.parameter_count': model.type === 'embedding' ? 136727040 : 3212749888,
        'general.quantization_version': 2,
        [`${arch}.attention.head_count`]: 24,
        [`${arch}.block_count`]: 28,
        [`${arch}.context_length`]: model.contextLength,
        [`${arch}.embedding_length`]: model.embeddingDimension,
      },
      capabilities: model.capabilities,
      modified_at: '2025-05-14T09:21:37.123456789Z',
    });
  }

  function ollamaDetails(model: ResolvedModel) {
    return {
      parent_model: '',
      format: 'gguf',
      family: model.architecture,
      families: [model.architecture],
      parameter_size: model.type === 'embedding' ? '137M' : '3.2B',
      quantization_level: model.type === 'embedding' ? 'F16' : 'Q4_K_M',
    };
  }

  /** Writes `data:` frames with the configured delays, then `data: [DONE]`; stops if the client leaves. */
  function sendStream(response: ServerResponse, frames: unknown[]): void {
    response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
    response.flushHeaders();
    streams.opened++;
    let timer: NodeJS.Timeout | undefined;
    let index = 0;
    let finished = false;
    response.on('close', () => {
      if (timer) clearTimeout(timer);
      if (!finished) streams.aborted++;
    });
    const firstDelay = options.firstChunkDelayMs ?? 0;
    const delay = options.chunkDelayMs ?? 0;
    const failure = options.streamFailure;
    /** Writes the next frame; returns false once the stream is over. */
    const writeFrame = (): boolean => {
      if (failure && index === failure.afterChunks) {
        if (failure.mode === 'disconnect') {
          response.destroy();
          return false;
        }
        const error = { message: failure.message ?? 'Generation failed.', type: 'InternalServerError', param: null, code: 500 };
        finished = true;
        streams.completed++;
        response.end(`data: ${JSON.stringify({ error })}\n\n`);
        return false;
      }
      if (index < frames.length) {
        response.write(`data: ${JSON.stringify(frames[index++])}\n\n`);
        return true;
      }
      finished = true;
      streams.completed++;
      response.end('data: [DONE]\n\n');
      return false;
    };
    const writeNext = (): void => {
      timer = undefined;
      if (response.destroyed) return;
      if (delay > 0) {
        if (writeFrame()) timer = setTimeout(writeNext, delay);
        return;
      }
      // Without delays every frame goes out in one corked write: a benchmark measures the proxy, not us.
      response.cork();
      while (writeFrame());
      process.nextTick(() => response.uncork());
    };
    if (firstDelay > 0) timer = setTimeout(writeNext, firstDelay);
    else writeNext();
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`;

  return {
    url,
    baseURL: `${url}/v1`,
    port,
    requests,
    streams,
    get connections() {
      return connections;
    },
    get openStreams() {
      return streams.opened - streams.completed - streams.aborted;
    },
    lastRequest(path?: string) {
      for (let index = requests.length - 1; index >= 0; index--) {
        if (path === undefined || requests[index].path === path) return requests[index];
      }
      return undefined;
    },
    failNext(failure: FakeFailure) {
      failures.push({ ...failure });
    },
    reset() {
      requests.length = 0;
      streams.opened = 0;
      streams.completed = 0;
      streams.aborted = 0;
      failures.length = 0;
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive sockets would otherwise hold close() open until they time out.
        server.closeAllConnections();
      });
    },
  };
}

function resolveModel(model: FakeModel, flavor: FakeServerFlavor): ResolvedModel {
  const type = model.type ?? 'llm';
  return {
    id: model.id,
    type,
    embeddingDimension: model.embeddingDimension ?? (type === 'embedding' ? 384 : 3072),
    contextLength: model.contextLength ?? 8192,
    ownedBy: model.ownedBy ?? defaultOwner[flavor],
    architecture: model.architecture ?? (type === 'embedding' ? 'nomic-bert' : 'llama'),
    capabilities: model.capabilities ?? (type === 'embedding' ? ['embedding'] : ['completion', 'tools']),
    digest: createHash('sha256').update(model.id).digest('hex'),
  };
}

function chosenTool(tools: unknown, toolChoice: unknown): { name: string; parameters: unknown } | undefined {
  if (!Array.isArray(tools) || tools.length === 0) return undefined;
  const functions = tools
    .map((tool: { type?: unknown; function?: { name?: unknown; parameters?: unknown } } | null) => tool?.function)
    .filter((fn): fn is { name: string; parameters?: unknown } => typeof fn?.name === 'string');
  if (toolChoice === 'required') return functions[0] && { name: functions[0].name, parameters: functions[0].parameters };
  const named = (toolChoice as { type?: unknown; function?: { name?: unknown } } | null)?.function?.name;
  if (typeof named === 'string') {
    const match = functions.find((fn) => fn.name === named);
    return match && { name: match.name, parameters: match.parameters };
  }
  return undefined;
}

function embeddingInputs(input: unknown): string[] | undefined {
  if (typeof input === 'string') return [input];
  if (!Array.isArray(input)) return undefined;
  // Token-id inputs (number[] or number[][]) are embedded from their textual form.
  if (input.every((item) => typeof item === 'number')) return [input.join(' ')];
  const texts: string[] = [];
  for (const item of input) {
    if (typeof item === 'string') texts.push(item);
    else if (Array.isArray(item)) texts.push(item.join(' '));
    else return undefined;
  }
  return texts;
}

function positiveInteger(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(chunks.length === 0 ? '' : Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function sendJson(response: ServerResponse, status: number, value: unknown): void {
  sendRaw(response, status, JSON.stringify(value), 'application/json');
}

function sendRaw(response: ServerResponse, status: number, text: string, contentType: string): void {
  response.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

function sendError(response: ServerResponse, status: number, message: string, type: string, code: string | null = null, param: string | null = null): void {
  sendJson(response, status, { error: { message, type, param, code } });
}
