import { AuthenticationError, UpstreamError } from '@stack/core';
import type { FetchFunction } from '@stack/openai-compatible';

/** IBM Cloud's IAM token endpoint. */
export const ibmIamTokenURL = 'https://iam.cloud.ibm.com/identity/token';
/** A token is renewed this long before it expires, so no request carries a dying one. */
const expiryMarginMs = 60_000;
/** One exchange is shared by concurrent requests, so it has its own deadline rather than a caller's signal. */
const exchangeTimeoutMs = 30_000;
/** Keys whose tokens are kept; beyond it the oldest is dropped (callers may bring their own keys). */
const maxCachedKeys = 256;

export interface IbmIamTokenSourceOptions {
  /** Replaces `https://iam.cloud.ibm.com/identity/token` (tests, private IAM). */
  tokenURL?: string;
  fetch?: FetchFunction;
  /** The clock, in milliseconds (tests). */
  now?: () => number;
}

export interface IbmIamTokenSource {
  /** An IAM access token for the API key, exchanged on first use and renewed before it expires. */
  getToken(apiKey: string): Promise<string>;
}

/**
 * watsonx.ai does not take IBM Cloud API keys directly: each is exchanged at IAM for a bearer
 * token (about an hour long). Tokens are cached per key, and concurrent requests share one exchange.
 */
export function createIbmIamTokenSource(options: IbmIamTokenSourceOptions = {}): IbmIamTokenSource {
  const tokenURL = options.tokenURL ?? ibmIamTokenURL;
  const fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const now = options.now ?? Date.now;
  const cache = new Map<string, { token: string; expiresAt: number }>();
  const pending = new Map<string, Promise<string>>();

  async function exchange(apiKey: string): Promise<string> {
    let response: Response;
    try {
      response = await fetch(tokenURL, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({ grant_type: 'urn:ibm:params:oauth:grant-type:apikey', apikey: apiKey }).toString(),
        signal: AbortSignal.timeout(exchangeTimeoutMs),
      });
    } catch (error) {
      throw new UpstreamError(`IBM Cloud IAM at ${tokenURL} could not be reached.`, { cause: error, code: 'upstream_unreachable' });
    }
    const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (!response.ok) {
      // IAM's errorMessage says what is wrong ("Provided API key could not be found.") without the key.
      const reason = typeof body.errorMessage === 'string' ? `: ${body.errorMessage}` : '';
      const message = `IBM Cloud IAM refused the API key (HTTP ${response.status})${reason}`;
      if (response.status >= 500) throw new UpstreamError(message, { upstreamStatus: response.status, code: 'upstream_error' });
      throw new AuthenticationError(message, { code: 'upstream_authentication' });
    }
    if (typeof body.access_token !== 'string' || body.access_token.length === 0) {
      throw new UpstreamError(`IBM Cloud IAM at ${tokenURL} answered without an access_token.`, { code: 'upstream_error' });
    }
    // `expiration` is the absolute expiry in epoch seconds; `expires_in` the lifetime.
    const expiresAt =
      typeof body.expiration === 'number'
        ? body.expiration * 1000
        : now() + (typeof body.expires_in === 'number' ? body.expires_in : 3600) * 1000;
    if (cache.size >= maxCachedKeys) cache.delete(cache.keys().next().value as string);
    cache.set(apiKey, { token: body.access_token, expiresAt: expiresAt - expiryMarginMs });
    return body.access_token;
  }

  return {
    async getToken(apiKey: string) {
      const cached = cache.get(apiKey);
      if (cached && now() < cached.expiresAt) return cached.token;
      let running = pending.get(apiKey);
      if (!running) {
        running = exchange(apiKey).finally(() => pending.delete(apiKey));
        pending.set(apiKey, running);
      }
      return running;
    },
  };
}
