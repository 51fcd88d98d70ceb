import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Logger } from '@stack/core';
import type { Stack } from '@stack/stack';
import { createApp, type AppOptions } from './create-app.js';

export interface ServeOptions extends AppOptions {
  /** Port to listen on; 0 picks a free one (default 8321). */
  port?: number;
  host?: string;
  /** How long shutdown waits for in-flight requests before cutting them (default 10 s). */
  shutdownGracePeriodMs?: number;
  /** Close the stack's providers and storage when the server closes (default true). */
  closeStack?: boolean;
}

export interface RunningServer {
  server: Server;
  /** e.g. `http://127.0.0.1:8321` */
  url: string;
  port: number;
  /**
   * Stops accepting connections, lets in-flight requests finish (streams included) up to the
   * grace period, then closes the stack. Idempotent.
   */
  close(): Promise<void>;
}

/** Serves a stack over HTTP with one call. */
export async function serve(stack: Stack, options: ServeOptions = {}): Promise<RunningServer> {
  const logger: Logger = options.logger ?? stack.logger;
  const app = createApp(stack, options);
  const server = createServer(app);
  // Keep-alive must outlast common client pools; headers must arrive promptly.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  let closing: Promise<void> | undefined;
  // Requests in flight per socket, so shutdown can close idle sockets (including ones a client
  // opened ahead of time) at once and busy ones as soon as their last response is done.
  const inFlight = new Map<Socket, number>();
  server.on('connection', (socket) => {
    inFlight.set(socket, 0);
    socket.once('close', () => inFlight.delete(socket));
  });
  server.on('request', (request, response) => {
    const socket = request.socket;
    inFlight.set(socket, (inFlight.get(socket) ?? 0) + 1);
    response.once('close', () => {
      const remaining = (inFlight.get(socket) ?? 1) - 1;
      inFlight.set(socket, remaining);
      if (closing && remaining === 0) socket.destroySoon();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8321, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${address.port}`;

  const close = () =>
    (closing ??= (async () => {
      const drained = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const [socket, count] of inFlight) if (count === 0) socket.destroySoon();
      const grace = options.shutdownGracePeriodMs ?? 10_000;
      let timer: NodeJS.Timeout | undefined;
      const cut = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          logger.warn(`Shutdown grace period of ${grace} ms passed; closing remaining connections.`);
          server.closeAllConnections();
          resolve();
        }, grace);
        timer.unref();
      });
      await Promise.race([drained, cut]);
      clearTimeout(timer);
      if (options.closeStack !== false) await stack.close();
    })());

  return { server, url, port: address.port, close };
}
