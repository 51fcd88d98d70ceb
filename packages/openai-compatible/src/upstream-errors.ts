import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  OpenAIError,
} from 'openai';
import {
  AuthenticationError,
  InvalidRequestError,
  NotFoundError,
  RateLimitError,
  StackError,
  UpstreamError,
} from '@stack/core';

/** Who failed, for messages: a provider name and its base URL (credentials stripped). */
export interface UpstreamTarget {
  name: string;
  baseURL: string;
}

const maxUpstreamMessageLength = 500;

/**
 * Turns what the `openai` client (or a stream it feeds) threw into the closed error set.
 * A request the caller cancelled rethrows the signal's reason: nobody is waiting for an error
 * document, and a cancellation must not be counted as an upstream failure.
 */
export function mapUpstreamError(error: unknown, target: UpstreamTarget, signal?: AbortSignal): unknown {
  if (StackError.isInstance(error)) return error;
  if (signal?.aborted) return signal.reason ?? error;
  const where = `${target.name} at ${redactURL(target.baseURL)}`;

  if (error instanceof APIConnectionTimeoutError) {
    return new UpstreamError(`${where} did not answer in time.`, { cause: error, code: 'upstream_timeout' });
  }
  if (error instanceof APIUserAbortError) {
    return new UpstreamError(`The request to ${where} was aborted.`, { cause: error, code: 'upstream_aborted' });
  }
  if (error instanceof APIConnectionError) {
    const reason = describeCause(error.cause);
    return new UpstreamError(`${where} could not be reached${reason ? `: ${reason}` : '.'}`, {
      cause: error,
      code: 'upstream_unreachable',
    });
  }
  if (error instanceof APIError && typeof error.status === 'number') {
    const status = error.status;
    const message = upstreamMessage(error);
    const code = typeof error.code === 'string' ? error.code : undefined;
    const param = typeof error.param === 'string' ? error.param : undefined;
    if (status === 400 || status === 413 || status === 422) {
      return new InvalidRequestError(message ?? `${where} rejected the request (HTTP ${status}).`, { cause: error, code, param });
    }
    if (status === 401 || status === 403) {
      // The upstream's own text may quote part of the key it refused, so it is left out.
      const problem = status === 401 ? 'rejected the API key' : 'denied access with the API key';
      return new AuthenticationError(`${where} ${problem} (HTTP ${status}).`, { cause: error, code: 'upstream_authentication' });
    }
    if (status === 404) {
      return new NotFoundError(message ?? `${where} answered 404 Not Found.`, { cause: error, code: code ?? 'not_found' });
    }
    if (status === 429) {
      return new RateLimitError(message ?? `${where} is rate limiting requests (HTTP 429).`, { cause: error, code: 'rate_limited' });
    }
    if (status >= 400 && status < 500) {
      return new InvalidRequestError(message ?? `${where} rejected the request (HTTP ${status}).`, { cause: error, code, param });
    }
    return new UpstreamError(`${where} failed with HTTP ${status}${message ? `: ${message}` : '.'}`, {
      cause: error,
      upstreamStatus: status,
      code: 'upstream_error',
    });
  }
  if (error instanceof APIError) {
    // A status-less APIError is an error frame inside a stream that had already started.
    const message = upstreamMessage(error);
    return new UpstreamError(`${where} failed while streaming${message ? `: ${message}` : '.'}`, { cause: error, code: 'upstream_error' });
  }
  // The client's own complaints (bad options) are programming errors, not upstream failures.
  if (error instanceof OpenAIError) return error;
  if (error instanceof Error) {
    // The connection broke mid-body (`TypeError: terminated`) or a frame was not valid JSON.
    return new UpstreamError(`${where} failed while answering: ${error.message}`, { cause: error, code: 'upstream_error' });
  }
  return new UpstreamError(`${where} failed while answering.`, { cause: error, code: 'upstream_error' });
}

/** The message the upstream put in its error body, without the client's `404 ` status prefix. */
function upstreamMessage(error: APIError): string | undefined {
  const body = error.error as { message?: unknown } | string | undefined;
  const message = typeof body === 'string' ? body : typeof body?.message === 'string' ? body.message : undefined;
  if (!message) return undefined;
  return message.length > maxUpstreamMessageLength ? `${message.slice(0, maxUpstreamMessageLength)}…` : message;
}

function describeCause(cause: unknown): string | undefined {
  if (!(cause instanceof Error)) return undefined;
  // undici reports `fetch failed` and keeps the useful part (ECONNREFUSED, a TLS error) one level down.
  const inner = cause.cause instanceof Error ? cause.cause : undefined;
  const code = (inner as { code?: unknown } | undefined)?.code ?? (cause as { code?: unknown }).code;
  const text = inner?.message ?? cause.message;
  return typeof code === 'string' && !text.includes(code) ? `${code} ${text}` : text;
}

/** Drops `user:password@` from a URL so error messages and logs never carry it. */
export function redactURL(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.username && !parsed.password) return url;
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return url;
  }
}
