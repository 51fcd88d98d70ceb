import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../errors.js';
import { postgresTlsOptions } from './postgres-connection.js';

describe('postgresTlsOptions', () => {
  const directory = mkdtempSync(join(tmpdir(), 'stack-postgres-tls-'));
  const caPath = join(directory, 'ca.pem');
  writeFileSync(caPath, 'certificate authority');
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('connects in plain text unless TLS is required', () => {
    expect(postgresTlsOptions({})).toBe(false);
    expect(postgresTlsOptions({ ssl_mode: 'disable' })).toBe(false);
    expect(postgresTlsOptions({ ssl_mode: 'prefer' })).toBe(false);
  });

  it('encrypts without verification for require, and verifies when a CA is given', () => {
    expect(postgresTlsOptions({ ssl_mode: 'require' })).toEqual({ rejectUnauthorized: false });
    const withCa = postgresTlsOptions({ ssl_mode: 'require', ca_cert_path: caPath });
    expect(withCa).toMatchObject({ ca: 'certificate authority', rejectUnauthorized: true });
  });

  it('checks the host name only for verify-full', () => {
    const verifyCa = postgresTlsOptions({ ssl_mode: 'verify-ca', ca_cert_path: caPath });
    const verifyFull = postgresTlsOptions({ ssl_mode: 'VERIFY-FULL', ca_cert_path: caPath });
    expect(verifyCa).toMatchObject({ ca: 'certificate authority', rejectUnauthorized: true });
    if (!verifyCa) throw new Error('verify-ca must enable TLS');
    expect(verifyCa.checkServerIdentity).toBeTypeOf('function');
    expect(verifyCa.checkServerIdentity!('elsewhere', {} as never)).toBeUndefined();
    expect(verifyFull).toEqual({ ca: 'certificate authority', rejectUnauthorized: true });
  });

  it('rejects unknown modes', () => {
    expect(() => postgresTlsOptions({ ssl_mode: 'sometimes' })).toThrow(InvalidRequestError);
    expect(() => postgresTlsOptions({ ssl_mode: 'sometimes' })).toThrow(/Unknown Postgres ssl_mode 'sometimes'/);
  });
});
