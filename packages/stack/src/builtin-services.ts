import { NotFoundError, apiLevelOf, type ApiName, type ResolvedProvider, type RouteDefinition } from '@stack/core';
import type { ApiFilter, HealthInfo, InspectApi, ListRoutesResponse, VersionInfo } from '@stack/inspect-api';
import type { ListProvidersResponse, ProviderInfo, ProvidersApi } from '@stack/providers-api';
import { redactSecrets } from './secrets.js';

const HEALTH_TIMEOUT_MS = 2_000;

export class InspectService implements InspectApi {
  constructor(
    private readonly version_: string,
    private readonly routes: () => ReadonlyArray<{ definition: RouteDefinition; providerTypes: string[] }>,
  ) {}

  async health(): Promise<HealthInfo> {
    return { status: 'OK' };
  }

  async version(): Promise<VersionInfo> {
    return { version: this.version_ };
  }

  async listRoutes(apiFilter?: ApiFilter): Promise<ListRoutesResponse> {
    const selected = this.routes().filter(({ definition }) => {
      if (apiFilter === 'deprecated') return definition.deprecated === true;
      return !definition.deprecated && apiLevelOf(definition.path) === (apiFilter ?? 'v1');
    });
    return {
      data: selected.map(({ definition, providerTypes }) => ({
        route: definition.path,
        method: definition.method,
        provider_types: providerTypes,
      })),
    };
  }
}

export class ProvidersService implements ProvidersApi {
  constructor(private readonly providers: readonly ResolvedProvider[]) {}

  async listProviders(): Promise<ListProvidersResponse> {
    return { data: await Promise.all(this.providers.map((provider) => describeProvider(provider))) };
  }

  async getProvider(providerId: string): Promise<ProviderInfo> {
    const provider = this.providers.find((candidate) => candidate.providerId === providerId);
    if (!provider) throw NotFoundError.of('Provider', providerId);
    return describeProvider(provider);
  }
}

async function describeProvider(provider: ResolvedProvider): Promise<ProviderInfo> {
  return {
    api: provider.api satisfies ApiName,
    provider_id: provider.providerId,
    provider_type: provider.providerType,
    config: redactSecrets(provider.config ?? {}) as Record<string, unknown>,
    health: await checkHealth(provider),
  };
}

async function checkHealth(provider: ResolvedProvider): Promise<Record<string, unknown>> {
  const check = provider.instance.health;
  if (!check) return { status: 'Not Implemented', message: 'Provider does not implement a health check.' };
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Record<string, unknown>>((resolve) => {
    timer = setTimeout(() => resolve({ status: 'Error', message: `Health check timed out after ${HEALTH_TIMEOUT_MS} ms.` }), HEALTH_TIMEOUT_MS);
  });
  try {
    return await Promise.race([
      check.call(provider.instance).then((health) => ({ ...health })),
      timeout,
    ]);
  } catch (error) {
    return { status: 'Error', message: (error as Error).message };
  } finally {
    clearTimeout(timer);
  }
}
