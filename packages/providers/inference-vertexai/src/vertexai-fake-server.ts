import { createPublicKey, createVerify, generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeOpenAIServer, type FakeOpenAIServer, type FakeOpenAIServerOptions, sendVendorJson, startVendorFrontServer, type VendorFrontServer } from '@stack/openai-compatible/testing';
import tokenResponse from './__fixtures__/google-token-response.json' with { type: 'json' };
import invalidGrant from './__fixtures__/google-token-error-invalid-grant.json' with { type: 'json' };

/**
 * Test support: Vertex AI's OpenAI-compatible endpoint under its real path layout
 * (`/v1/projects/{project}/locations/{location}/endpoints/openapi/...`), and Google's OAuth token
 * endpoint (`POST /token`), which verifies service-account JWTs against the key pair it
 * generated and answers the recorded token payload.
 */
export const vertexAccessToken = tokenResponse.access_token;
export const refreshToken = '1//0gRefreshTokenForTests';

export interface FakeVertexAI {
  front: VendorFrontServer;
  openai: FakeOpenAIServer;
  baseURL: (project: string, location: string) => string;
  /** Verified token grants, in order. */
  grants: Array<{ grantType: string; header?: any; claims?: any }>;
  /** A service-account key file whose `token_uri` is this fake. */
  serviceAccountFile: string;
  /** An `authorized_user` file (gcloud's) whose `token_uri` is this fake. */
  authorizedUserFile: string;
  /** A directory with no credentials, for `HOME`. */
  emptyHome: string;
  close(): Promise<void>;
}

export async function startFakeVertexAI(options: FakeOpenAIServerOptions = {}): Promise<FakeVertexAI> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const verifyKey = createPublicKey(publicKey.export({ type: 'spki', format: 'pem' }));
  const openai = await startFakeOpenAIServer({
    flavor: 'openai',
    apiKey: vertexAccessToken,
    models: [{ id: 'google/gemini-2.5-flash' }, { id: 'google/text-embedding-005', type: 'embedding', embeddingDimension: 768 }],
    ...options,
  });
  const grants: FakeVertexAI['grants'] = [];
  const directory = await mkdtemp(join(tmpdir(), 'vertexai-test-'));
  let tokenURI = '';

  const pattern = /^\/v1\/projects\/[^/]+\/locations\/[^/]+\/endpoints\/openapi(\/.*)$/;
  const front = await startVendorFrontServer({
    upstreamURL: openai.url,
    forwardPath: (path) => {
      const match = pattern.exec(path);
      return match ? `/v1${match[1]}` : undefined;
    },
    handle(request, response) {
      if (request.path !== '/token') return false;
      // The provider posts a form; the front parsed nothing, so it is read from the raw text.
      const form = new URLSearchParams(typeof request.body === 'string' ? request.body : '');
      const grantType = form.get('grant_type') ?? '';
      if (grantType === 'urn:ietf:params:oauth:grant-type:jwt-bearer') {
        const [header, claims, signature] = (form.get('assertion') ?? '').split('.');
        const valid = createVerify('RSA-SHA256').update(`${header}.${claims}`).verify(verifyKey, Buffer.from(signature ?? '', 'base64url'));
        if (!valid) return (sendVendorJson(response, 400, invalidGrant), true);
        const decode = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
        grants.push({ grantType, header: decode(header), claims: decode(claims) });
        return (sendVendorJson(response, 200, tokenResponse), true);
      }
      if (grantType === 'refresh_token' && form.get('refresh_token') === refreshToken) {
        grants.push({ grantType });
        return (sendVendorJson(response, 200, tokenResponse), true);
      }
      return (sendVendorJson(response, 400, { error: 'unsupported_grant_type', error_description: 'Invalid grant_type.' }), true);
    },
  });
  tokenURI = `${front.url}/token`;

  const serviceAccountFile = join(directory, 'service-account.json');
  await writeFile(
    serviceAccountFile,
    JSON.stringify({
      type: 'service_account',
      project_id: 'acme-prod',
      private_key_id: '4f1c2b7e9d0a',
      private_key: pem,
      client_email: 'stack-runner@acme-prod.iam.gserviceaccount.com',
      client_id: '104857600000000000000',
      auth_uri: 'https://accounts.google.com/o/oauth2/auth',
      token_uri: tokenURI,
    }),
  );
  const authorizedUserFile = join(directory, 'application_default_credentials.json');
  await writeFile(
    authorizedUserFile,
    JSON.stringify({
      type: 'authorized_user',
      client_id: '764086051850-6qr4p6gpi6hn506pt8ejuq83di341hur.apps.googleusercontent.com',
      client_secret: 'd-FL95Q19q7MQmFpd7hHD0Ty',
      refresh_token: refreshToken,
      token_uri: tokenURI,
    }),
  );
  const emptyHome = join(directory, 'empty-home');

  return {
    front,
    openai,
    baseURL: (project, location) => `${front.url}/v1/projects/${project}/locations/${location}/endpoints/openapi`,
    grants,
    serviceAccountFile,
    authorizedUserFile,
    emptyHome,
    async close() {
      await front.close();
      await openai.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
