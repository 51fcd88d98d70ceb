import { createSign } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { AuthenticationError, UpstreamError } from '@stack/core';
import type { FetchFunction } from '@stack/openai-compatible';

/** The scope Vertex AI needs. */
export const cloudPlatformScope = 'https://www.googleapis.com/auth/cloud-platform';
const defaultTokenURI = 'https://oauth2.googleapis.com/token';
/** A token is renewed this long before Google says it expires, so no request carries a dying one. */
const expiryMarginMs = 60_000;
const assertionLifetimeSeconds = 3600;
/** One exchange is shared by concurrent requests, so it has its own deadline rather than a caller's signal. */
const exchangeTimeoutMs = 30_000;

/** The parts of an Application Default Credentials file this module reads. */
interface CredentialsFile {
  type?: string;
  client_email?: string;
  private_key?: string;
  private_key_id?: string;
  token_uri?: string;
  client_id?: string;
  client_secret?: string;
  refresh_token?: string;
}

export interface GoogleAccessTokenSourceOptions {
  /** Replaces the network layer (tests, proxies). */
  fetch?: FetchFunction;
  /** Where `GOOGLE_APPLICATION_CREDENTIALS` and `HOME` are read (default `process.env`). */
  env?: Record<string, string | undefined>;
  /** The clock, in milliseconds (tests). */
  now?: () => number;
}

export interface GoogleAccessTokenSource {
  /** A valid access token, fetched on first use and renewed shortly before it expires. */
  getToken(): Promise<string>;
}

/**
 * Application Default Credentials without Google's libraries: the JSON file named by
 * `GOOGLE_APPLICATION_CREDENTIALS`, else gcloud's `application_default_credentials.json`. A
 * service-account key is exchanged through a signed JWT (RS256), an `authorized_user` file
 * (from `gcloud auth application-default login`) through its refresh token. Nothing is read until
 * the first token is wanted; the token is cached until shortly before it expires.
 */
export function createGoogleAccessTokenSource(options: GoogleAccessTokenSourceOptions = {}): GoogleAccessTokenSource {
  const env = options.env ?? process.env;
  const now = options.now ?? Date.now;
  const fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  let cached: { token: string; expiresAt: number } | undefined;
  let pending: Promise<string> | undefined;

  async function loadCredentials(): Promise<{ path: string; file: CredentialsFile }> {
    const explicit = env.GOOGLE_APPLICATION_CREDENTIALS;
    const path = explicit || join(env.HOME || homedir(), '.config', 'gcloud', 'application_default_credentials.json');
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      throw new AuthenticationError(
        explicit
          ? `Could not read the Google credentials file named by GOOGLE_APPLICATION_CREDENTIALS (${path}).`
          : 'No Google credentials were found: set access_token in the provider config, send vertex_access_token in provider data, or point GOOGLE_APPLICATION_CREDENTIALS at a service-account key file.',
        { cause: error, code: 'missing_credentials' },
      );
    }
    try {
      return { path, file: JSON.parse(text) as CredentialsFile };
    } catch (error) {
      throw new AuthenticationError(`The Google credentials file ${path} is not valid JSON.`, { cause: error, code: 'invalid_credentials' });
    }
  }

  function grantFor(path: string, file: CredentialsFile): { tokenURI: string; form: URLSearchParams } {
    if (file.type === 'service_account') {
      if (!file.client_email || !file.private_key) {
        throw new AuthenticationError(`The service-account key ${path} lacks client_email or private_key.`, { code: 'invalid_credentials' });
      }
      const tokenURI = file.token_uri || defaultTokenURI;
      const issuedAt = Math.floor(now() / 1000);
      const assertion = signJwt(
        { alg: 'RS256', typ: 'JWT', ...(file.private_key_id ? { kid: file.private_key_id } : {}) },
        { iss: file.client_email, scope: cloudPlatformScope, aud: tokenURI, iat: issuedAt, exp: issuedAt + assertionLifetimeSeconds },
        file.private_key,
        path,
      );
      return { tokenURI, form: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }) };
    }
    if (file.type === 'authorized_user') {
      if (!file.client_id || !file.client_secret || !file.refresh_token) {
        throw new AuthenticationError(`The user credentials ${path} lack client_id, client_secret or refresh_token.`, { code: 'invalid_credentials' });
      }
      return {
        tokenURI: file.token_uri || defaultTokenURI,
        form: new URLSearchParams({
          grant_type: 'refresh_token',
          client_id: file.client_id,
          client_secret: file.client_secret,
          refresh_token: file.refresh_token,
        }),
      };
    }
    throw new AuthenticationError(
      `The Google credentials file ${path} is of type ${JSON.stringify(file.type)}; only service_account and authorized_user are supported.`,
      { code: 'invalid_credentials' },
    );
  }

  async function exchange(): Promise<string> {
    const { path, file } = await loadCredentials();
    const { tokenURI, form } = grantFor(path, file);
    let response: Response;
    try {
      response = await fetch(tokenURI, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: form.toString(),
        signal: AbortSignal.timeout(exchangeTimeoutMs),
      });
    } catch (error) {
      throw new UpstreamError(`Google's token endpoint ${tokenURI} could not be reached.`, { cause: error, code: 'upstream_unreachable' });
    }
    const body = (await response.json().catch(() => ({}))) as { access_token?: unknown; expires_in?: unknown; error?: unknown; error_description?: unknown };
    if (!response.ok) {
      // OAuth errors name the problem (`invalid_grant: Invalid JWT Signature.`) without echoing secrets.
      const reason = [body.error, body.error_description].filter((part) => typeof part === 'string').join(': ');
      const message = `Google refused the credentials in ${path} (HTTP ${response.status}${reason ? `, ${reason}` : ''}).`;
      if (response.status >= 500) throw new UpstreamError(message, { upstreamStatus: response.status, code: 'upstream_error' });
      throw new AuthenticationError(message, { code: 'upstream_authentication' });
    }
    if (typeof body.access_token !== 'string' || body.access_token.length === 0) {
      throw new UpstreamError(`Google's token endpoint ${tokenURI} answered without an access_token.`, { code: 'upstream_error' });
    }
    const lifetimeSeconds = typeof body.expires_in === 'number' ? body.expires_in : Number(body.expires_in ?? 3600);
    cached = { token: body.access_token, expiresAt: now() + lifetimeSeconds * 1000 - expiryMarginMs };
    return body.access_token;
  }

  return {
    async getToken() {
      if (cached && now() < cached.expiresAt) return cached.token;
      // Concurrent requests share one exchange.
      pending ??= exchange().finally(() => {
        pending = undefined;
      });
      return pending;
    },
  };
}

function base64url(value: string | Buffer): string {
  return Buffer.from(value).toString('base64url');
}

function signJwt(header: object, claims: object, privateKey: string, path: string): string {
  const unsigned = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  try {
    const signature = createSign('RSA-SHA256').update(unsigned).sign(privateKey);
    return `${unsigned}.${base64url(signature)}`;
  } catch (error) {
    throw new AuthenticationError(`The private_key in ${path} could not sign a token request.`, { cause: error, code: 'invalid_credentials' });
  }
}
