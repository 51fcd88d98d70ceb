import { readFile } from 'node:fs/promises';

export type FetchFunction = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface UpstreamFetchOptions {
  /** Used as-is when given (tests, proxies); `tlsVerify` is then the caller's business. */
  fetch?: FetchFunction | undefined;
  /** `true` (default): the system's CAs; `false`: accept any certificate; a path: trust that CA bundle. */
  tlsVerify?: boolean | string | undefined;
}

export interface UpstreamFetch {
  fetch: FetchFunction;
  /** Releases the connection pool created for custom TLS settings, if any. */
  close(): Promise<void>;
}

/**
 * The fetch the `openai` client uses for one provider. It honours the TLS setting and rewrites
 * error bodies that are not in OpenAI's envelope, so the client keeps the upstream's message.
 */
export function createUpstreamFetch(options: UpstreamFetchOptions = {}): UpstreamFetch {
  const tlsVerify = options.tlsVerify ?? true;
  let dispatcherState: Promise<{ fetch: FetchFunction; close(): Promise<void> }> | undefined;

  const base: FetchFunction =
    options.fetch ??
    (tlsVerify === true
      ? (input, init) => globalThis.fetch(input, init)
      : (input, init) => {
          // undici is loaded and the CA file read on first use, never at construction.
          dispatcherState ??= createTlsDispatcher(tlsVerify);
          return dispatcherState.then((state) => state.fetch(input, init));
        });

  return {
    fetch: async (input, init) => normalizeErrorBody(await base(input, init)),
    async close() {
      const state = dispatcherState;
      dispatcherState = undefined;
      if (state) await (await state).close();
    },
  };
}

async function createTlsDispatcher(tlsVerify: false | string): Promise<{ fetch: FetchFunction; close(): Promise<void> }> {
  const undici = await import('undici');
  const connect = tlsVerify === false ? { rejectUnauthorized: false } : { ca: await readFile(expandHome(tlsVerify)) };
  const agent = new undici.Agent({ connect });
  // undici's own fetch with its own Agent: Node's bundled fetch may not accept a dispatcher
  // from a different undici release.
  const fetch = ((input: string | URL | Request, init?: RequestInit) =>
    undici.fetch(input as any, { ...(init as any), dispatcher: agent })) as unknown as FetchFunction;
  return { fetch, close: () => agent.close() };
}

export function expandHome(path: string): string {
  return path === '~' || path.startsWith('~/') ? `${process.env.HOME ?? ''}${path.slice(1)}` : path;
}

/**
 * Servers that speak "OpenAI-compatible" disagree on error bodies: older vLLM answers
 * `{"object":"error","message":…}`, FastAPI `{"detail":…}`, Ollama's native API `{"error":"…"}`,
 * Google's compatibility layers a one-element array `[{"error":{…}}]`.
 * The `openai` client only reads `{"error":{"message":…}}`, so the others are rewritten into it.
 */
async function normalizeErrorBody(response: Response): Promise<Response> {
  if (response.status < 400) return response;
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const envelope = toEnvelope(body, text);
  const headers = new Headers(response.headers);
  headers.delete('content-length');
  headers.delete('content-encoding');
  headers.set('content-type', 'application/json');
  return new Response(JSON.stringify(envelope), { status: response.status, statusText: response.statusText, headers });
}

function toEnvelope(body: unknown, text: string): unknown {
  if (Array.isArray(body) && body.length === 1) return toEnvelope(body[0], text);
  if (typeof body === 'object' && body !== null) {
    const record = body as Record<string, unknown>;
    if (typeof record.error === 'object' && record.error !== null) return body;
    if (typeof record.error === 'string') return { error: { message: record.error, type: null, param: null, code: null } };
    if (typeof record.message === 'string') {
      return { error: { message: record.message, type: record.type ?? null, param: record.param ?? null, code: record.code ?? null } };
    }
    if (record.detail !== undefined) {
      const detail = typeof record.detail === 'string' ? record.detail : JSON.stringify(record.detail);
      return { error: { message: detail, type: null, param: null, code: null } };
    }
    return body;
  }
  const trimmed = text.trim();
  return { error: { message: trimmed.length > 0 ? trimmed.slice(0, 500) : null, type: null, param: null, code: null } };
}
