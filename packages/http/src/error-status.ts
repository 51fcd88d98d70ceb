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
};

/** The HTTP status for an error thrown by an API or provider; anything unknown is a 500. */
export function httpStatusOf(error: unknown): number {
  if (!StackError.isInstance(error)) return 500;
  if (error.kind === 'upstream' && (error as UpstreamError).upstreamStatus === 504) return 504;
  return statusByKind[error.kind];
}
