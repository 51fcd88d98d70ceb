import { describe, expect, it } from 'vitest';
import { InvalidRequestError, NotFoundError, StackError, UpstreamError, toErrorEnvelope } from './errors.js';

describe('errors', () => {
  it('builds the OpenAI envelope from a StackError', () => {
    expect(toErrorEnvelope(new InvalidRequestError('bad temperature', { param: 'temperature' }))).toEqual({
      error: { message: 'bad temperature', type: 'invalid_request_error', code: 'invalid_request', param: 'temperature' },
    });
    expect(toErrorEnvelope(NotFoundError.of('Model', 'x')).error).toMatchObject({ type: 'not_found_error', message: "Model 'x' not found." });
  });

  it('hides the details of unexpected errors', () => {
    const envelope = toErrorEnvelope(new Error('password=hunter2 at /srv/app.js:12'));
    expect(JSON.stringify(envelope)).not.toContain('hunter2');
    expect(envelope.error.type).toBe('server_error');
  });

  it('recognises errors by marker, keeps the cause', () => {
    const cause = new Error('socket hang up');
    const error = new UpstreamError('vllm failed', { cause, upstreamStatus: 502 });
    expect(StackError.isInstance(error)).toBe(true);
    expect(StackError.isInstance(new Error('x'))).toBe(false);
    expect(UpstreamError.isInstance(error)).toBe(true);
    expect(NotFoundError.isInstance(error)).toBe(false);
    expect(InvalidRequestError.isInstance(error)).toBe(false);
    expect(NotFoundError.isInstance(NotFoundError.of('Model', 'x'))).toBe(true);
    expect(error.cause).toBe(cause);
    expect(error.upstreamStatus).toBe(502);
  });
});
