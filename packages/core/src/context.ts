/** Who is calling: ready for access control (attributes such as roles, teams, projects). */
export interface Principal {
  principal: string;
  attributes?: Record<string, string[]>;
}

/**
 * Per-request information handed to every API and provider call. In-process callers may omit it;
 * `createRequestContext()` fills the defaults.
 */
export interface RequestContext {
  /** Aborted when the client disconnects or the server shuts down; pass it to upstream calls. */
  signal: AbortSignal;
  /**
   * Per-request provider data from the `X-LlamaStack-Provider-Data` header (e.g. API keys).
   * Never log or store it.
   */
  providerData?: Record<string, unknown> | undefined;
  /** The authenticated caller, when authentication is configured. */
  user?: Principal | undefined;
}

export function createRequestContext(partial: Partial<RequestContext> = {}): RequestContext {
  return { signal: partial.signal ?? new AbortController().signal, providerData: partial.providerData, user: partial.user };
}
