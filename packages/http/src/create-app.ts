import {
  InvalidRequestError,
  NotFoundError,
  encodeSseData,
  isBinaryContent,
  type BinaryContent,
  encodeSseError,
  isAsyncIterable,
  openaiAliasOf,
  toErrorEnvelope,
  type Logger,
  type RequestContext,
} from '@stack/core';
import { STACK_VERSION, type RouteBinding, type Stack } from '@stack/stack';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import express, { type ErrorRequestHandler, type Express, type Request, type RequestHandler, type Response } from 'express';
import { httpStatusOf } from './error-status.js';
import { createOpenApiDocument } from './openapi.js';
import { readMultipart } from './multipart.js';
import { parseRequestPart } from './validation.js';

export interface AppOptions {
  /** Largest JSON body accepted (default `20mb`). */
  bodyLimit?: string;
  /** Largest file accepted by multipart uploads, in bytes (default 512 MiB, as OpenAI's). */
  maxUploadBytes?: number;
  logger?: Logger;
}

const PROVIDER_DATA_HEADER = 'x-llamastack-provider-data';
const DEFAULT_MAX_UPLOAD_BYTES = 512 * 1024 * 1024;

/**
 * An express app serving every route of the stack. Routes come from the API route tables:
 * validation, the call, and JSON or server-sent-event answers are the same code for all of them.
 */
export function createApp(stack: Stack, options: AppOptions = {}): Express {
  const logger = options.logger ?? stack.logger;
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(express.json({ limit: options.bodyLimit ?? '20mb' }));

  const document = createOpenApiDocument(
    stack.routes.map((binding) => binding.definition),
    STACK_VERSION,
  );
  app.get('/openapi.json', (_request, response) => {
    response.json(document);
  });

  for (const binding of stack.routes) {
    const handler = createHandler(binding, logger, options.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES);
    const method = binding.definition.method.toLowerCase() as 'get' | 'post' | 'delete' | 'put' | 'patch';
    app[method](toExpressPath(binding.definition.path, binding.definition.greedyPathParam), handler);
    if (binding.definition.openaiCompatible) {
      app[method](toExpressPath(openaiAliasOf(binding.definition.path), binding.definition.greedyPathParam), handler);
    }
  }

  app.use((request, _response, next) => {
    next(new NotFoundError(`No route for ${request.method} ${request.path}. See GET /v1/inspect/routes.`, { code: 'route_not_found' }));
  });
  app.use(createErrorHandler(logger));
  return app;
}

function createHandler(binding: RouteBinding, logger: Logger, maxUploadBytes: number): RequestHandler {
  const { definition, impl } = binding;
  return async (request, response, next) => {
    const controller = new AbortController();
    // `close` on the response before it finished means the client went away.
    response.on('close', () => {
      if (!response.writableFinished) controller.abort();
    });
    try {
      const context: RequestContext = {
        signal: controller.signal,
        providerData: readProviderData(request),
      };
      const path = definition.pathParams ? parseRequestPart(definition.pathParams, readPathParams(request), 'path') : {};
      const query = definition.query ? parseRequestPart(definition.query, request.query ?? {}, 'query') : {};
      const body = definition.multipart
        ? await readMultipart(request, { fileField: definition.multipart.fileField, fieldsSchema: definition.body, maxFileBytes: maxUploadBytes })
        : definition.body
          ? parseRequestPart(definition.body, request.body ?? {}, 'body')
          : undefined;
      const result = await definition.handler(impl, { path, query, body }, context);
      if (isBinaryContent(result)) {
        await writeBinary(response, result, definition.successStatus ?? 200);
      } else if (isAsyncIterable(result)) {
        await writeEventStream(response, result, controller.signal, logger);
      } else if (result === undefined) {
        response.status(definition.successStatus ?? 200).end();
      } else {
        response.status(definition.successStatus ?? 200).json(result);
      }
    } catch (error) {
      next(error);
    }
  };
}

async function writeEventStream(response: Response, stream: AsyncIterable<unknown>, signal: AbortSignal, logger: Logger): Promise<void> {
  response.status(200);
  response.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  response.setHeader('Cache-Control', 'no-cache');
  response.setHeader('Connection', 'keep-alive');
  response.setHeader('X-Accel-Buffering', 'no');
  response.flushHeaders();
  try {
    let corked = false;
    const uncork = () => {
      corked = false;
      response.uncork();
    };
    for await (const chunk of stream) {
      if (signal.aborted) break;
      // Chunks that arrive together (one upstream read) leave in one write; none waits longer
      // than the current tick.
      if (!corked) {
        corked = true;
        response.cork();
        process.nextTick(uncork);
      }
      if (!response.write(encodeSseData(chunk))) {
        await new Promise<void>((resolve) => {
          const done = () => {
            response.off('drain', done);
            response.off('close', done);
            resolve();
          };
          response.on('drain', done);
          response.on('close', done);
        });
      }
    }
  } catch (error) {
    if (!signal.aborted) {
      logStreamError(logger, error);
      response.write(encodeSseError(toErrorEnvelope(error)));
    }
  } finally {
    response.end();
  }
}

async function writeBinary(response: Response, content: BinaryContent, status: number): Promise<void> {
  response.status(status);
  response.setHeader('Content-Type', content.contentType);
  if (content.bytes !== undefined) response.setHeader('Content-Length', String(content.bytes));
  if (content.filename) response.setHeader('Content-Disposition', `attachment; filename="${content.filename.replace(/["\\\r\n]/g, '_')}"`);
  await pipeline(Readable.from(content.stream, { objectMode: false }), response);
}

function createErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, _request, response, _next) => {
    const normalized = normalizeFrameworkError(error);
    const status = isTooLarge(error) ? 413 : httpStatusOf(normalized);
    if (status >= 500) logger.error('Request failed', { error: describeError(normalized) });
    if (response.headersSent) {
      response.end();
      return;
    }
    response.status(status).json(toErrorEnvelope(normalized));
  };
}

/** express.json() signals bad JSON and oversized bodies with `status`/`type` fields. */
function normalizeFrameworkError(error: unknown): unknown {
  const candidate = error as { type?: string; status?: number; message?: string };
  if (candidate?.type === 'entity.parse.failed') {
    return new InvalidRequestError(`The request body is not valid JSON: ${candidate.message}`, { code: 'invalid_json' });
  }
  if (isTooLarge(error)) return new InvalidRequestError('The request body is too large.', { code: 'request_too_large' });
  return error;
}

function isTooLarge(error: unknown): boolean {
  return (error as { type?: string } | null)?.type === 'entity.too.large';
}

function readProviderData(request: Request): Record<string, unknown> | undefined {
  const header = request.headers[PROVIDER_DATA_HEADER];
  if (header === undefined) return undefined;
  const text = Array.isArray(header) ? header[0] : header;
  try {
    const parsed: unknown = JSON.parse(text ?? '');
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // Reported below without echoing the header, which carries secrets.
  }
  throw new InvalidRequestError('The X-LlamaStack-Provider-Data header must be a JSON object.', { code: 'invalid_provider_data' });
}

function readPathParams(request: Request): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.params as Record<string, string | string[]>)) {
    params[name] = Array.isArray(value) ? value.join('/') : value;
  }
  return params;
}

/** `/v1/models/{model_id}` → `/v1/models/:model_id`, or `/v1/models/*model_id` for ids with slashes. */
export function toExpressPath(path: string, greedyParam?: string): string {
  return path.replace(/\{([^}]+)\}/g, (_match, name: string) => (name === greedyParam ? `*${name}` : `:${name}`));
}

function describeError(error: unknown): Record<string, unknown> {
  if (error instanceof Error) return { name: error.name, message: error.message, stack: error.stack };
  return { value: String(error) };
}

function logStreamError(logger: Logger, error: unknown) {
  logger.warn('Stream failed after it started', { error: describeError(error) });
}
