import { describe, expect, it } from 'vitest';
import { providerInfoSchema, providersRoutes } from './index.js';

describe('providers api', () => {
  it('describes a provider as the reference spec does', () => {
    const info = { api: 'inference', provider_id: 'vllm', provider_type: 'remote::vllm', config: { url: 'http://x' }, health: { status: 'OK' } };
    expect(providerInfoSchema.parse(info)).toEqual(info);
    expect(providerInfoSchema.safeParse({ ...info, health: undefined }).success).toBe(false);
  });

  it('declares list and get', () => {
    expect(providersRoutes.map((route) => `${route.method} ${route.path}`)).toEqual(['GET /v1/providers', 'GET /v1/providers/{provider_id}']);
  });
});
