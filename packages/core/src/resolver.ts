import type { ApiName } from './apis.js';
import { ConfigurationError, formatIssues } from './config/run-config.js';
import type { Logger } from './logger.js';
import type { ProviderInstanceHooks, ProviderSpec } from './provider.js';
import type { StorageManager } from './storage/types.js';

/** One provider to build: a spec with the id and raw config it was given. */
export interface ProviderEntry {
  api: ApiName;
  providerId: string;
  spec: ProviderSpec;
  /** The `config:` block as written (after environment substitution), validated by the spec. */
  config: unknown;
  /** Where the entry came from, for error messages, e.g. `run.yaml: providers.inference[1]`. */
  source?: string;
}

export interface ResolvedProvider {
  api: ApiName;
  providerId: string;
  providerType: string;
  spec: ProviderSpec;
  /** The validated config. */
  config: unknown;
  instance: object & ProviderInstanceHooks;
}

export interface ResolveOptions {
  entries: readonly ProviderEntry[];
  storage: StorageManager;
  logger: Logger;
  /**
   * Builds the routed implementation of an API once all its providers exist. Other APIs'
   * providers receive it as their dependency.
   */
  buildApi(api: ApiName, providers: readonly ResolvedProvider[]): Promise<unknown> | unknown;
}

export interface ResolvedStack {
  /** Providers in the order they were created. */
  providers: readonly ResolvedProvider[];
  apis: ReadonlyMap<ApiName, unknown>;
  /** Closes every provider in reverse order of creation. */
  close(): Promise<void>;
}

/**
 * Builds providers in dependency order: the providers of an API come after the providers of
 * every API they depend on, and each API's routed implementation is built as soon as its
 * providers exist. Missing APIs and cycles are reported before anything is created.
 */
export async function resolveProviders(options: ResolveOptions): Promise<ResolvedStack> {
  const { entries, logger } = options;
  const byApi = new Map<ApiName, ProviderEntry[]>();
  for (const entry of entries) {
    const list = byApi.get(entry.api) ?? [];
    if (list.some((other) => other.providerId === entry.providerId)) {
      throw new ConfigurationError(`${describe(entry)}: provider_id '${entry.providerId}' is used twice for API '${entry.api}'.`);
    }
    if (entry.spec.api !== entry.api) {
      throw new ConfigurationError(`${describe(entry)}: provider type '${entry.spec.providerType}' implements API '${entry.spec.api}', not '${entry.api}'.`);
    }
    list.push(entry);
    byApi.set(entry.api, list);
  }

  const order = orderApis(byApi);
  const created: ResolvedProvider[] = [];
  const apis = new Map<ApiName, unknown>();
  const close = async () => {
    for (const provider of [...created].reverse()) {
      try {
        await provider.instance.close?.();
      } catch (error) {
        logger.warn(`Closing provider '${provider.providerId}' (${provider.providerType}) failed: ${(error as Error).message}`);
      }
    }
  };

  try {
    for (const api of order) {
      const resolvedForApi: ResolvedProvider[] = [];
      for (const entry of byApi.get(api) ?? []) {
        const parsed = entry.spec.configSchema.safeParse(entry.config ?? {});
        if (!parsed.success) {
          throw new ConfigurationError(`${describe(entry)}.config: invalid config for ${entry.spec.providerType}:\n${formatIssues(parsed.error)}`);
        }
        const dependencies = new Set(entry.spec.apiDependencies ?? []);
        let instance: object & ProviderInstanceHooks;
        try {
          instance = await entry.spec.create(parsed.data, {
            providerId: entry.providerId,
            storage: options.storage,
            logger: logger.child(entry.providerId),
            api: <T>(name: ApiName): T => {
              if (!apis.has(name)) {
                throw new ConfigurationError(`${describe(entry)}: provider asked for API '${name}', which it did not declare in apiDependencies or which has no provider.`);
              }
              if (!dependencies.has(name) && !(entry.spec.optionalApiDependencies ?? []).includes(name)) {
                throw new ConfigurationError(`${describe(entry)}: provider asked for API '${name}' without declaring it in apiDependencies.`);
              }
              return apis.get(name) as T;
            },
            optionalApi: <T>(name: ApiName): T | undefined => apis.get(name) as T | undefined,
          });
        } catch (error) {
          if (error instanceof ConfigurationError) throw error;
          throw new ConfigurationError(`${describe(entry)}: provider '${entry.providerId}' (${entry.spec.providerType}) failed to start: ${(error as Error).message}`, { cause: error });
        }
        const resolved: ResolvedProvider = {
          api,
          providerId: entry.providerId,
          providerType: entry.spec.providerType,
          spec: entry.spec,
          config: parsed.data,
          instance,
        };
        created.push(resolved);
        resolvedForApi.push(resolved);
      }
      apis.set(api, await options.buildApi(api, resolvedForApi));
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { providers: created, apis, close };
}

/** Topological order of the configured APIs; throws on a missing dependency or a cycle. */
export function orderApis(byApi: ReadonlyMap<ApiName, readonly ProviderEntry[]>): ApiName[] {
  const edges = new Map<ApiName, Set<ApiName>>();
  for (const [api, entries] of byApi) {
    const needs = new Set<ApiName>();
    for (const entry of entries) {
      for (const dependency of entry.spec.apiDependencies ?? []) {
        if (!byApi.has(dependency)) {
          throw new ConfigurationError(
            `${describe(entry)}: provider '${entry.providerId}' (${entry.spec.providerType}) needs API '${dependency}', which has no provider in this configuration. Add a provider under providers.${dependency}.`,
          );
        }
        needs.add(dependency);
      }
      for (const dependency of entry.spec.optionalApiDependencies ?? []) {
        if (byApi.has(dependency)) needs.add(dependency);
      }
    }
    needs.delete(api);
    edges.set(api, needs);
  }

  const order: ApiName[] = [];
  const state = new Map<ApiName, 'visiting' | 'done'>();
  const visit = (api: ApiName, trail: ApiName[]) => {
    const current = state.get(api);
    if (current === 'done') return;
    if (current === 'visiting') {
      const cycle = [...trail.slice(trail.indexOf(api)), api];
      throw new ConfigurationError(`Cycle among API dependencies: ${cycle.join(' → ')}. A provider cannot depend, even indirectly, on its own API.`);
    }
    state.set(api, 'visiting');
    for (const dependency of [...(edges.get(api) ?? [])].sort()) visit(dependency, [...trail, api]);
    state.set(api, 'done');
    order.push(api);
  };
  for (const api of byApi.keys()) visit(api, []);
  return order;
}

function describe(entry: ProviderEntry): string {
  return entry.source ?? `provider '${entry.providerId}' (${entry.api})`;
}
