import { APIConnectionError, APIUserAbortError, BadRequestError, InternalServerError, OpenAIError } from 'openai';
import { InvalidRequestError, NotFoundError, UpstreamError } from '@stack/core';
import { describe, expect, it } from 'vitest';
import { mapUpstreamError, redactURL } from './upstream-errors.js';

const target = { name: 'vLLM', baseURL: 'http://gpu:8000/v1' };

describe('mapUpstreamError', () => {
  it('passes stack errors and the client’s own errors through', () => {
    const notFound = NotFoundError.of('Model', 'x');
    expect(mapUpstreamError(notFound, target)).toBe(notFound);
    const misuse = new OpenAIError('bad option');
    expect(mapUpstreamError(misuse, target)).toBe(misuse);
  });

  it('rethrows the abort reason once the caller cancelled', () => {
    const controller = new AbortController();
    controller.abort();
    expect(mapUpstreamError(new APIUserAbortError(), target, controller.signal)).toBe(controller.signal.reason);
  });

  it('keeps the upstream message, code and cause for a 400', () => {
    const cause = new BadRequestError(400, { message: 'max_tokens is too large', code: 'invalid_value', param: 'max_tokens' }, undefined, new Headers());
    const mapped = mapUpstreamError(cause, target) as InvalidRequestError;
    expect(mapped).toBeInstanceOf(InvalidRequestError);
    expect(mapped).toMatchObject({ message: 'max_tokens is too large', code: 'invalid_value', param: 'max_tokens', cause });
  });

  it('reports 5xx and connection failures as UpstreamError naming the target', () => {
    const server = mapUpstreamError(new InternalServerError(502, undefined, undefined, new Headers()), target) as UpstreamError;
    expect(server).toBeInstanceOf(UpstreamError);
    expect(server).toMatchObject({ upstreamStatus: 502, message: 'vLLM at http://gpu:8000/v1 failed with HTTP 502.' });
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:8000'), { code: 'ECONNREFUSED' });
    const connection = mapUpstreamError(new APIConnectionError({ cause: new TypeError('fetch failed', { cause: refused }) }), target);
    expect((connection as Error).message).toBe('vLLM at http://gpu:8000/v1 could not be reached: connect ECONNREFUSED 10.0.0.1:8000');
  });

  it('maps a broken stream to UpstreamError', () => {
    expect(mapUpstreamError(new TypeError('terminated'), target)).toMatchObject({
      name: 'UpstreamError',
      message: 'vLLM at http://gpu:8000/v1 failed while answering: terminated',
    });
  });
});

describe('redactURL', () => {
  it('drops user info only', () => {
    expect(redactURL('https://me:secret@host:1/v1')).toBe('https://host:1/v1');
    expect(redactURL('http://host:8000/v1')).toBe('http://host:8000/v1');
  });
});
