import { AuthenticationError, ConflictError, InvalidRequestError, NotFoundError, PermissionDeniedError, RateLimitError, UnsupportedError, UpstreamError } from '@stack/core';
import { describe, expect, it } from 'vitest';
import { httpStatusOf } from './error-status.js';

describe('httpStatusOf', () => {
  it('maps each kind of the closed error set', () => {
    expect(httpStatusOf(new InvalidRequestError('x'))).toBe(400);
    expect(httpStatusOf(new AuthenticationError('x'))).toBe(401);
    expect(httpStatusOf(new PermissionDeniedError('x'))).toBe(403);
    expect(httpStatusOf(new NotFoundError('x'))).toBe(404);
    expect(httpStatusOf(new ConflictError('x'))).toBe(409);
    expect(httpStatusOf(new RateLimitError('x'))).toBe(429);
    expect(httpStatusOf(new UnsupportedError('x'))).toBe(400);
    expect(httpStatusOf(new Error('x'))).toBe(500);
  });

  it("passes on an upstream's own 5xx, else answers 502", () => {
    expect(httpStatusOf(new UpstreamError('x', { upstreamStatus: 503 }))).toBe(503);
    expect(httpStatusOf(new UpstreamError('x', { upstreamStatus: 504 }))).toBe(504);
    expect(httpStatusOf(new UpstreamError('x', { upstreamStatus: 418 }))).toBe(502);
    expect(httpStatusOf(new UpstreamError('connection refused'))).toBe(502);
  });
});
