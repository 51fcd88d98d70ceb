import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { configBoolean, configInteger, configString, configStringWithDefault, configTlsVerify } from './config-values.js';

describe('config values after env substitution', () => {
  const schema = z.object({
    flag: configBoolean(false),
    count: configInteger(4096),
    token: configString(),
    url: configStringWithDefault('http://localhost:11434'),
    tls: configTlsVerify(),
  });

  it('reads strings the way a run config spells them', () => {
    expect(schema.parse({ flag: 'True', count: '128', token: 12345, url: 'http://ollama:11434', tls: 'false' })).toEqual({
      flag: true,
      count: 128,
      token: '12345',
      url: 'http://ollama:11434',
      tls: false,
    });
  });

  it('treats null, empty and missing values as unset', () => {
    expect(schema.parse({ flag: null, count: '', token: '', url: null })).toEqual({
      flag: false,
      count: 4096,
      token: undefined,
      url: 'http://localhost:11434',
      tls: true,
    });
  });

  it('keeps a CA path for tls_verify and rejects nonsense', () => {
    expect(schema.parse({ tls: '/etc/ssl/ca.pem' }).tls).toBe('/etc/ssl/ca.pem');
    expect(schema.safeParse({ flag: 'maybe' }).success).toBe(false);
    expect(schema.safeParse({ count: 'many' }).success).toBe(false);
    expect(schema.safeParse({ count: -1 }).success).toBe(false);
  });
});
