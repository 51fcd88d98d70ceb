import { StackError, type StackErrorKind, type UpstreamError } from '@stack/core';

const statusByKind: Record<StackErrorKind, number> = {
  invalid_request: 400,
  authentication: 401,
  permission_denied: 403,
  not_found: 404,
  conflict: 409,
  rate_limit: 429,
  upstream: 502,
  unsupported: 400,
  request_too_large: 413,
};

/** The HTTP status for an error thrown by an API or provider; anything unknown is a 500. */
export function httpStatusOf(error: unknown): number {
  if (!StackError.isInstance(error)) return 500;
  if (error.kind === 'upstream') {
    // An upstream's own 5xx (503 loading, 504 timeout…) is passed on; anything else is a bad gateway.
    const status = (error as UpstreamError).upstreamStatus;
    return status !== undefined && status >= 500 && status <= 599 ? status : 502;
  }
  return statusByKind[error.kind];
}
