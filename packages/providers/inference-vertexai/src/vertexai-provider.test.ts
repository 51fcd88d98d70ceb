import {
  AuthenticationError,
  createRequestContext,
  InvalidRequestError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  silentLogger,
  type ProviderDependencies,
  type RequestContext,
} from '@stack/core';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest, EmbeddingsResponse } from '@stack/inference-api';
import { collect, cleanupAfterEach } from '@stack/inference-api/testing';
import { describe, expect, it } from 'vitest';
import permissionDenied from './__fixtures__/vertexai-error-permission-denied.json' with { type: 'json' };
import { startFakeVertexAI, vertexAccessToken } from './vertexai-fake-server.js';
import { sendVendorJson, startVendorFrontServer } from '@stack/openai-compatible/testing';
import {
  cloudPlatformScope,
  createGoogleAccessTokenSource,
  createVertexAIInferenceProvider,
  providerSpec,
  vertexAIBaseURL,
  vertexAIConfigSchema,
  type VertexAIInferenceProvider,
  type VertexAIProviderOptions,
} from './index.js';

const cleanups = cleanupAfterEach();

async function setup(config: Record<string, unknown> = { project: 'acme-prod' }, options: (fake: Awaited<ReturnType<typeof startFakeVertexAI>>) => VertexAIProviderOptions = (fake) => ({ env: { GOOGLE_APPLICATION_CREDENTIALS: fake.serviceAccountFile } })) {
  const fake = await startFakeVertexAI({ streamChunks: 5 });
  cleanups.push(() => fake.close());
  const provider = createVertexAIInferenceProvider(vertexAIConfigSchema.parse(config), { baseURL: fake.baseURL, ...options(fake) });
  cleanups.push(() => provider.close());
  return { fake, provider };
}

const context = (partial: Partial<RequestContext> = {}) => createRequestContext(partial);
const chat = (extra: Record<string, unknown> = {}) =>
  ({ model: 'google/gemini-2.5-flash', messages: [{ role: 'user', content: 'Say hi' }], ...extra }) as ChatCompletionRequest;
const openapiPath = (project: string, location: string, operation: string) => `/v1/projects/${project}/locations/${location}/endpoints/openapi/${operation}`;

describe('remote::vertexai', () => {
  it('reads the reference config: location defaults to us-central1', () => {
    expect(vertexAIConfigSchema.parse({ project: '', location: '' })).toEqual({ project: undefined, location: 'us-central1', access_token: undefined, refresh_models: false });
    expect(vertexAIConfigSchema.parse({ project: 'acme-prod', location: 'europe-west4', access_token: 'ya29.x' })).toMatchObject({ project: 'acme-prod', location: 'europe-west4', access_token: 'ya29.x' });
    expect(providerSpec.providerDataSchema?.parse({ vertex_project: 'p', vertex_location: 'l', vertex_access_token: 't' })).toMatchObject({ vertex_project: 'p', vertex_location: 'l', vertex_access_token: 't' });
  });

  it('builds the regional and the global endpoint URL', () => {
    expect(vertexAIBaseURL('acme-prod', 'us-central1')).toBe('https://us-central1-aiplatform.googleapis.com/v1/projects/acme-prod/locations/us-central1/endpoints/openapi');
    expect(vertexAIBaseURL('acme-prod', 'global')).toBe('https://aiplatform.googleapis.com/v1/projects/acme-prod/locations/global/endpoints/openapi');
  });

  it('exchanges a signed service-account JWT once, then chats with the access token', async () => {
    const { provider, fake } = await setup();
    const completion = (await provider.chatCompletion(chat({ max_tokens: 30 }), context())) as ChatCompletion;
    expect(completion.choices[0].message.content).toMatch(/^Echo: Say hi/);
    expect(fake.grants).toHaveLength(1);
    const [grant] = fake.grants;
    expect(grant.header).toEqual({ alg: 'RS256', typ: 'JWT', kid: '4f1c2b7e9d0a' });
    expect(grant.claims).toMatchObject({ iss: 'stack-runner@acme-prod.iam.gserviceaccount.com', scope: cloudPlatformScope, aud: `${fake.front.url}/token` });
    expect(grant.claims.exp - grant.claims.iat).toBe(3600);
    const recorded = fake.front.requests.at(-1);
    expect(recorded?.path).toBe(openapiPath('acme-prod', 'us-central1', 'chat/completions'));
    expect(recorded?.headers.authorization).toBe(`Bearer ${vertexAccessToken}`);
    expect(recorded?.body).toEqual({ model: 'google/gemini-2.5-flash', messages: [{ role: 'user', content: 'Say hi' }], max_tokens: 30 });

    // Cached: concurrent and later requests share the token.
    await Promise.all([provider.chatCompletion(chat(), context()), provider.chatCompletion(chat(), context())]);
    expect(fake.grants).toHaveLength(1);
  });

  it('renews the token shortly before it expires and shares one exchange between concurrent callers', async () => {
    const fake = await startFakeVertexAI();
    cleanups.push(() => fake.close());
    let clock = 1_700_000_000_000;
    const tokens = createGoogleAccessTokenSource({ env: { GOOGLE_APPLICATION_CREDENTIALS: fake.serviceAccountFile }, now: () => clock });
    expect(await Promise.all([tokens.getToken(), tokens.getToken()])).toEqual([vertexAccessToken, vertexAccessToken]);
    expect(fake.grants).toHaveLength(1);
    clock += 3599_000 - 61_000;
    await tokens.getToken();
    expect(fake.grants).toHaveLength(1);
    clock += 2_000;
    await tokens.getToken();
    expect(fake.grants).toHaveLength(2);
  });

  it("uses gcloud's authorized_user credentials from HOME through their refresh token", async () => {
    const fake = await startFakeVertexAI();
    cleanups.push(() => fake.close());
    const { mkdir, copyFile } = await import('node:fs/promises');
    const { dirname, join } = await import('node:path');
    const home = join(dirname(fake.authorizedUserFile), 'home');
    await mkdir(join(home, '.config', 'gcloud'), { recursive: true });
    await copyFile(fake.authorizedUserFile, join(home, '.config', 'gcloud', 'application_default_credentials.json'));
    const tokens = createGoogleAccessTokenSource({ env: { HOME: home } });
    expect(await tokens.getToken()).toBe(vertexAccessToken);
    expect(fake.grants).toEqual([{ grantType: 'refresh_token' }]);
  });

  it('uses a configured access_token without any exchange', async () => {
    const { provider, fake } = await setup({ project: 'acme-prod', access_token: vertexAccessToken }, (fake) => ({ env: { HOME: fake.emptyHome } }));
    await provider.chatCompletion(chat(), context());
    expect(fake.grants).toHaveLength(0);
    expect(fake.front.requests.at(-1)?.headers.authorization).toBe(`Bearer ${vertexAccessToken}`);
    expect(await provider.health()).toEqual({ status: 'OK' });
  });

  it("takes the caller's vertex_project, vertex_location and vertex_access_token", async () => {
    const { provider, fake } = await setup({ project: 'acme-prod' }, (fake) => ({ env: { HOME: fake.emptyHome } }));
    await provider.chatCompletion(
      chat(),
      context({ providerData: { vertex_project: 'acme-staging', vertex_location: 'europe-west4', vertex_access_token: vertexAccessToken } }),
    );
    const recorded = fake.front.requests.at(-1);
    expect(recorded?.path).toBe(openapiPath('acme-staging', 'europe-west4', 'chat/completions'));
    expect(recorded?.headers.authorization).toBe(`Bearer ${vertexAccessToken}`);
    expect(fake.grants).toHaveLength(0);
    await expect(provider.chatCompletion(chat(), context({ providerData: { vertex_location: 'x.evil/..', vertex_access_token: 't' } }))).rejects.toBeInstanceOf(InvalidRequestError);
  });

  it('without credentials fails with AuthenticationError naming the options, sending nothing', async () => {
    const { provider, fake } = await setup({ project: 'acme-prod' }, (fake) => ({ env: { HOME: fake.emptyHome } }));
    const error = await provider.chatCompletion(chat(), context()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as Error).message).toContain('vertex_access_token');
    expect((error as Error).message).toContain('GOOGLE_APPLICATION_CREDENTIALS');
    expect(fake.front.requests).toHaveLength(0);
    expect(await provider.health()).toMatchObject({ status: 'Error', message: expect.stringContaining('No Google credentials') });

    const noProject = createVertexAIInferenceProvider(vertexAIConfigSchema.parse({ project: '' }), { baseURL: fake.baseURL, env: { HOME: fake.emptyHome } });
    cleanups.push(() => noProject.close());
    await expect(noProject.chatCompletion(chat(), context())).rejects.toMatchObject({ name: 'InvalidRequestError', message: expect.stringContaining('vertex_project') });
  });

  it('reports a refused service-account key as AuthenticationError with Google\'s reason', async () => {
    const fake = await startFakeVertexAI();
    cleanups.push(() => fake.close());
    const { readFile, writeFile } = await import('node:fs/promises');
    const { generateKeyPairSync } = await import('node:crypto');
    const key = JSON.parse(await readFile(fake.serviceAccountFile, 'utf8'));
    // A key Google does not know: the signature does not verify.
    key.private_key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const forged = `${fake.serviceAccountFile}.forged.json`;
    await writeFile(forged, JSON.stringify(key));
    const provider = createVertexAIInferenceProvider(vertexAIConfigSchema.parse({ project: 'acme-prod' }), { baseURL: fake.baseURL, env: { GOOGLE_APPLICATION_CREDENTIALS: forged } });
    const error = await provider.chatCompletion(chat(), context()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as Error).message).toContain('invalid_grant: Invalid JWT Signature.');
    expect((error as Error).message).not.toContain('PRIVATE KEY');
  });

  it('streams chat and embeds with dimensions', async () => {
    const { provider, fake } = await setup();
    const stream = await provider.chatCompletion(chat({ stream: true, stream_options: { include_usage: true } }), context());
    const chunks = await collect(stream as AsyncIterable<ChatCompletionChunk>);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta?.content ?? '').join('')).toMatch(/^Echo: Say hi/);
    expect(chunks.at(-1)?.usage).toMatchObject({ completion_tokens: 5 });

    const embeddings = (await provider.embeddings({ model: 'google/text-embedding-005', input: ['a', 'b'], dimensions: 256 } as never, context())) as EmbeddingsResponse;
    expect(embeddings.data.map((item) => (item.embedding as number[]).length)).toEqual([256, 256]);
    const recorded = fake.front.requests.at(-1);
    expect(recorded?.path).toBe(openapiPath('acme-prod', 'us-central1', 'embeddings'));
    expect(recorded?.body).toEqual({ model: 'google/text-embedding-005', input: ['a', 'b'], dimensions: 256 });
  });

  it('lists the Gemini models of its catalogue, embedding models with dimensions', async () => {
    const { provider, fake } = await setup();
    const models = await provider.listModels();
    expect(models.find((model) => model.provider_resource_id === 'google/gemini-2.5-pro')).toEqual({ provider_resource_id: 'google/gemini-2.5-pro', model_type: 'llm', metadata: {} });
    expect(models.filter((model) => model.model_type === 'embedding')).toContainEqual({
      provider_resource_id: 'google/gemini-embedding-001',
      model_type: 'embedding',
      metadata: { embedding_dimension: 3072, context_length: 2048 },
    });
    expect(fake.front.requests).toHaveLength(0);
  });

  it('maps errors: unknown model, permission denied, quota', async () => {
    const { provider, fake } = await setup();
    await expect(provider.chatCompletion(chat({ model: 'google/gemini-9' }), context())).rejects.toBeInstanceOf(NotFoundError);
    fake.openai.failNext({ status: 429, message: 'Resource exhausted. Please try again later.', type: 'RESOURCE_EXHAUSTED', times: 3, retryAfterSeconds: 0 });
    await expect(provider.chatCompletion(chat(), context())).rejects.toBeInstanceOf(RateLimitError);

    const front = await startVendorFrontServer({ upstreamURL: 'http://127.0.0.1:9', forwardPath: () => undefined, handle: (_request, response) => (sendVendorJson(response, 403, permissionDenied), true) });
    cleanups.push(() => front.close());
    const denied = createVertexAIInferenceProvider(vertexAIConfigSchema.parse({ project: 'acme-prod', access_token: 'ya29.other' }), { baseURL: () => front.url });
    cleanups.push(() => denied.close());
    const error = await denied.chatCompletion(chat(), context()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).not.toBeInstanceOf(PermissionDeniedError);
    expect((error as Error).message).not.toContain('ya29.other');
  });

  it("keeps the message of Google's array-wrapped error bodies", async () => {
    const body = [{ error: { code: 400, message: 'Unable to submit request because it has an empty text parameter.', status: 'INVALID_ARGUMENT' } }];
    const front = await startVendorFrontServer({ upstreamURL: 'http://127.0.0.1:9', forwardPath: () => undefined, handle: (_request, response) => (sendVendorJson(response, 400, body), true) });
    cleanups.push(() => front.close());
    const provider = createVertexAIInferenceProvider(vertexAIConfigSchema.parse({ project: 'acme-prod', access_token: 'ya29.x' }), { baseURL: () => front.url });
    cleanups.push(() => provider.close());
    const error = await provider.chatCompletion(chat(), context()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as Error).message).toBe('Unable to submit request because it has an empty text parameter.');
  });

  it('creates from the run config through providerSpec', async () => {
    const provider = (await providerSpec.create(providerSpec.configSchema.parse({ project: 'acme-prod', location: 'us-central1' }), {
      providerId: 'vertexai',
      logger: silentLogger,
    } as ProviderDependencies)) as VertexAIInferenceProvider;
    cleanups.push(() => provider.close());
    expect(provider.name).toBe("Vertex AI provider 'vertexai'");
    expect((await provider.listModels()).length).toBeGreaterThan(0);
  });
});
