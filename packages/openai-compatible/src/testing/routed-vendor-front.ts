import { createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as the vendor's front door received it: path with query, headers and parsed body. */
export interface FrontRequest {
  method: string;
  /** The path including its query string. */
  url: string;
  headers: IncomingHttpHeaders;
  body: any;
}

/**
 * What the front does with a request: answer it itself (JSON, or server-sent events ending in
 * `[DONE]`), or hand it to the OpenAI fake at `forward`.
 */
export type FrontDecision = { respond: { status: number; body: unknown } } | { events: unknown[] } | { forward: string };

export interface VendorFront {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly requests: FrontRequest[];
  lastRequest(pathPrefix?: string): FrontRequest | undefined;
  close(): Promise<void>;
}

/**
 * Like `startVendorFrontServer`, for tests that decide per request (method, headers, query) with
 * one `route` function. The vendor's own URL layout and auth in front of the shared OpenAI fake: `route` answers vendor
 * routes (an info endpoint, auth failures) and maps the OpenAI-compatible ones onto the fake's
 * `/v1/...`. Responses, streams included, are piped through as they arrive, and a client that
 * goes away closes the upstream connection, so cancellation still reaches the fake.
 */
export async function startVendorFront(upstreamURL: string, route: (request: FrontRequest) => FrontDecision): Promise<VendorFront> {
  const upstream = new URL(upstreamURL);
  const requests: FrontRequest[] = [];

  const server = createServer({ keepAlive: true }, (incoming: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const raw = Buffer.concat(chunks);
      const recorded: FrontRequest = {
        method: incoming.method ?? 'GET',
        url: incoming.url ?? '/',
        headers: incoming.headers,
        body: raw.length > 0 ? JSON.parse(raw.toString('utf8')) : undefined,
      };
      requests.push(recorded);
      const decision = route(recorded);
      if ('events' in decision) {
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        for (const event of decision.events) response.write(`data: ${JSON.stringify(event)}\n\n`);
        response.end('data: [DONE]\n\n');
        return;
      }
      if ('respond' in decision) {
        response.writeHead(decision.respond.status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(decision.respond.body));
        return;
      }
      const headers = { ...incoming.headers, host: upstream.host };
      const outgoing = httpRequest(
        { host: upstream.hostname, port: upstream.port, method: incoming.method, path: decision.forward, headers },
        (reply) => {
          response.writeHead(reply.statusCode ?? 502, reply.headers);
          reply.pipe(response);
        },
      );
      outgoing.on('error', () => response.destroy());
      response.on('close', () => outgoing.destroy());
      outgoing.end(raw);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    lastRequest(pathPrefix) {
      return [...requests].reverse().find((request) => pathPrefix === undefined || request.url.startsWith(pathPrefix));
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
