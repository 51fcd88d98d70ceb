import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';

/**
 * Test support: a vendor's own front on 127.0.0.1. It answers the vendor-specific routes itself
 * and forwards the OpenAI-compatible ones, rewritten to `/v1/...`, to a fake OpenAI server, so a
 * test sees the vendor's real paths and headers while generation comes from the shared fake.
 */
export interface VendorFrontRequest {
  method: string;
  /** The path without its query. */
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  /** The parsed JSON body; the raw text when it is not JSON (forms); undefined when empty. */
  body: any;
}

export interface VendorFrontOptions {
  /** Where forwarded requests go, e.g. `http://127.0.0.1:1234`. */
  upstreamURL: string;
  /** Answers a request itself (returns true) or leaves it to forwarding. */
  handle?: (request: VendorFrontRequest, response: ServerResponse) => boolean;
  /** The OpenAI path (`/v1/chat/completions`) a vendor path stands for; undefined answers 404. */
  forwardPath: (path: string) => string | undefined;
}

export interface VendorFrontServer {
  readonly url: string;
  readonly requests: VendorFrontRequest[];
  /** The last request received, optionally the last one to a path. */
  lastRequest(path?: string): VendorFrontRequest | undefined;
  close(): Promise<void>;
}

export function sendVendorJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

export async function startVendorFrontServer(options: VendorFrontOptions): Promise<VendorFrontServer> {
  const requests: VendorFrontRequest[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const url = new URL(request.url ?? '/', 'http://front');
      const recorded: VendorFrontRequest = {
        method: request.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: request.headers,
        body: parseBody(raw),
      };
      requests.push(recorded);
      if (options.handle?.(recorded, response)) return;
      const target = options.forwardPath(url.pathname);
      if (target === undefined) return sendVendorJson(response, 404, { error: { message: `No route ${url.pathname}.` } });
      void forward(request, response, `${options.upstreamURL}${target}`, raw);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    lastRequest(path?: string) {
      for (let index = requests.length - 1; index >= 0; index--) if (path === undefined || requests[index].path === path) return requests[index];
      return undefined;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function parseBody(raw: string): unknown {
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

async function forward(request: IncomingMessage, response: ServerResponse, target: string, body: string): Promise<void> {
  const controller = new AbortController();
  // A client that goes away must end the upstream stream too, as a real proxy would.
  response.on('close', () => controller.abort());
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (typeof value === 'string' && !['host', 'content-length', 'connection'].includes(name)) headers[name] = value;
  }
  try {
    const upstream = await fetch(target, {
      method: request.method,
      headers,
      body: body.length > 0 ? body : undefined,
      signal: controller.signal,
    });
    const passed: Record<string, string> = {};
    upstream.headers.forEach((value, name) => {
      if (!['content-length', 'content-encoding', 'transfer-encoding', 'connection'].includes(name)) passed[name] = value;
    });
    response.writeHead(upstream.status, passed);
    if (!upstream.body) return void response.end();
    Readable.fromWeb(upstream.body as any).on('error', () => response.destroy()).pipe(response);
  } catch {
    response.destroy();
  }
}
