import { describe, expect, it } from 'vitest';
import { inspectRoutes, listRoutesQuerySchema } from './index.js';

describe('inspect api', () => {
  it('accepts the reference api_filter values only', () => {
    expect(listRoutesQuerySchema.parse({ api_filter: 'deprecated' })).toEqual({ api_filter: 'deprecated' });
    expect(listRoutesQuerySchema.parse({})).toEqual({});
    expect(listRoutesQuerySchema.safeParse({ api_filter: 'v2' }).success).toBe(false);
  });

  it('declares the three reference routes', () => {
    expect(inspectRoutes.map((route) => `${route.method} ${route.path}`)).toEqual(['GET /v1/health', 'GET /v1/version', 'GET /v1/inspect/routes']);
  });
});
