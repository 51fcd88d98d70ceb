import {
  ConfigurationError,
  ResourceRegistry,
  RoutingTable,
  createConsoleLogger,
  createStorageManager,
  isApiName,
  resolveProviders,
  silentLogger,
  storageConfigSchema,
  type ApiName,
  type KVStoreReference,
  type SqlStoreReference,
  type Logger,
  type ModelInput,
  type ProviderEntry,
  type ProviderSpec,
  type ResolvedProvider,
  type RouteDefinition,
  type RunConfig,
  type StorageConfigInput,
  type StorageManager,
} from '@stack/core';
import { filesRoutes, type FilesProvider } from '@stack/files-api';
import { inferenceRoutes, type InferenceApi, type InferenceProvider } from '@stack/inference-api';
import { inspectRoutes, type InspectApi } from '@stack/inspect-api';
import { modelsRoutes, type ModelsApi } from '@stack/models-api';
import { providersRoutes, type ProvidersApi } from '@stack/providers-api';
import { toolGroupsRoutes, toolRuntimeRoutes, type ToolRuntimeProvider } from '@stack/tool-runtime-api';
import { vectorIoRoutes, type VectorIoProvider } from '@stack/vector-io-api';
import packageJson from '../package.json' with { type: 'json' };
import { InspectService, ProvidersService } from './builtin-services.js';
import { InferenceRouter } from './inference-router.js';
import { InferenceStore } from './inference-store.js';
import { FilesRouter } from './files-router.js';
import { ModelsService } from './models-service.js';
import { ToolsRouter } from './tools-router.js';
import { VectorIoRouter, type VectorStoresSettings } from './vector-io-router.js';

/** A provider to include: its package's `providerSpec`, the id to serve it under, its config. */
export interface ProviderSetup {
  providerId: string;
  spec: ProviderSpec;
  config?: unknown;
  /** For error messages, e.g. `run.yaml: providers.inference[0]`. */
  source?: string;
}

export interface StackOptions {
  /** Providers per API, e.g. `{ inference: [{ providerId: 'vllm', spec: vllm.providerSpec, config: { url } }] }`. */
  providers?: Partial<Record<ApiName, ProviderSetup[]>>;
  /**
   * Storage in the run-config format (`backends` and `stores`). Without it, the registry lives
   * in an in-memory SQLite database: fine in process, not shared between servers.
   */
  storage?: StorageConfigInput;
  /** Resources to register at startup, as `registered_resources` of a run config. */
  registeredResources?: {
    models?: ModelInput[];
    /** `{toolgroup_id, provider_id, args?, mcp_endpoint?}` entries. */
    tool_groups?: Record<string, unknown>[];
    /** `{vector_store_id, provider_id?, embedding_model?, embedding_dimension?, vector_store_name?}` entries. */
    vector_stores?: Record<string, unknown>[];
  };
  /** Defaults for new vector stores, as the run config's `vector_stores:` section. */
  vectorStores?: VectorStoresSettings;
  /** APIs to serve even without providers (as a run config's `apis:` list). */
  apis?: readonly string[];
  /** Relative SQLite paths resolve against this directory. */
  baseDir?: string;
  logger?: Logger;
  /** Skip asking providers for their models at startup. */
  skipModelDiscovery?: boolean;
  /** How often providers with `refresh_models: true` are asked again (default 5 minutes). */
  modelRefreshIntervalMs?: number;
}

/** An API implementation bound to one of its route definitions, for a transport to serve. */
export interface RouteBinding {
  definition: RouteDefinition;
  impl: unknown;
  providerTypes: string[];
}

export interface Stack {
  readonly inference: InferenceApi;
  readonly models: ModelsApi;
  readonly inspect: InspectApi;
  readonly providers: ProvidersApi;
  /** Any API of the stack by name. */
  api<T>(name: ApiName): T;
  readonly apiNames: readonly ApiName[];
  readonly routes: readonly RouteBinding[];
  readonly registry: ResourceRegistry;
  readonly storage: StorageManager;
  readonly resolvedProviders: readonly ResolvedProvider[];
  readonly logger: Logger;
  /** Asks the inference providers for their models again. */
  refreshModels(): Promise<void>;
  /** Closes providers in reverse order of creation, then storage. Idempotent. */
  close(): Promise<void>;
}

export const STACK_VERSION: string = packageJson.version;

const DEFAULT_METADATA_STORE: KVStoreReference = { backend: 'kv_default', namespace: 'registry' };
const DEFAULT_INFERENCE_STORE: SqlStoreReference = { backend: 'sql_default', table_name: 'inference_store' };

const routeTables: Partial<Record<ApiName, readonly RouteDefinition[]>> = {
  inference: inferenceRoutes,
  models: modelsRoutes,
  inspect: inspectRoutes,
  providers: providersRoutes,
  files: filesRoutes,
  vector_io: vectorIoRoutes,
  tool_runtime: toolRuntimeRoutes,
  tool_groups: toolGroupsRoutes,
};

interface RouterContext {
  registry: ResourceRegistry;
  logger: Logger;
  storage: StorageManager;
  inferenceStore?: InferenceStore;
  vectorStores: VectorStoresSettings;
}

/**
 * How each routed API is served: from its providers (possibly none) to the implementation
 * clients call. Serving a new API means a route table above and a factory here.
 */
const routerFactories: Partial<Record<ApiName, (providers: readonly ResolvedProvider[], context: RouterContext) => unknown>> = {
  inference: (providers, { registry, inferenceStore, logger }) =>
    new InferenceRouter(
      new RoutingTable(registry, 'model', new Map(providers.map((provider) => [provider.providerId, provider.instance as InferenceProvider]))),
      new Map(providers.flatMap((provider) => (provider.spec.providerDataSchema ? [[provider.providerId, provider.spec.providerDataSchema]] : []))),
      inferenceStore,
      logger.child('inference'),
    ),
  files: (providers) => new FilesRouter(new Map(providers.map((provider) => [provider.providerId, provider.instance as FilesProvider]))),
  vector_io: (providers, { registry, vectorStores, logger }) =>
    new VectorIoRouter(
      registry,
      new Map(providers.map((provider) => [provider.providerId, provider.instance as VectorIoProvider])),
      vectorStores,
      logger.child('vector_io'),
    ),
  tool_runtime: (providers, { registry }) =>
    new ToolsRouter(
      registry,
      new Map(providers.map((provider) => [provider.providerId, { providerType: provider.providerType, instance: provider.instance as ToolRuntimeProvider }])),
    ),
};

/** APIs served by the implementation of another: tool groups live with the tool runtime. */
const COMPANION_APIS: Partial<Record<ApiName, ApiName>> = { tool_groups: 'tool_runtime' };

/** APIs whose implementation is the stack's own and which every stack serves. */
const BUILTIN_APIS: readonly ApiName[] = ['models', 'inspect', 'providers'];

/**
 * Builds a stack from provider packages: validates configs, creates providers in dependency
 * order, registers configured and discovered models, and returns the API implementations,
 * callable in process or served with `@stack/http`.
 */
export async function createStack(options: StackOptions = {}): Promise<Stack> {
  const logger = options.logger ?? silentLogger;
  const configured = options.storage && Object.keys(options.storage.backends ?? {}).length > 0;
  if (options.storage && !configured) logger.warn('No storage backends are configured: the registry and stored completions live in memory only.');
  const storageConfig = storageConfigSchema.parse(configured ? options.storage : inMemoryStorage());
  const storage = createStorageManager(storageConfig, { baseDir: options.baseDir });
  const closers: Array<() => Promise<void>> = [() => storage.close()];
  const closeAll = async () => {
    for (const close of closers.splice(0).reverse()) await close();
  };

  try {
    const metadataReference = storageConfig.stores.metadata ?? (storageConfig.backends.kv_default ? DEFAULT_METADATA_STORE : undefined);
    if (!metadataReference) {
      throw new ConfigurationError('storage.stores.metadata is not set and there is no kv_default backend to keep the registry in.');
    }
    const registry = new ResourceRegistry(await storage.kv(metadataReference));
    const inferenceReference = storageConfig.stores.inference ?? (storageConfig.backends.sql_default ? DEFAULT_INFERENCE_STORE : undefined);
    let inferenceStore: InferenceStore | undefined;
    if (inferenceReference) {
      inferenceStore = await InferenceStore.open(await storage.sql(inferenceReference), {
        maxQueueSize: inferenceReference.max_write_queue_size ?? undefined,
        writers: inferenceReference.num_writers ?? undefined,
        onQueueFull: inferenceReference.on_queue_full ?? undefined,
        logger: logger.child('inference-store'),
      });
      const store = inferenceStore;
      closers.push(() => store.close());
    }
    const routerContext: RouterContext = { registry, logger, storage, inferenceStore, vectorStores: options.vectorStores ?? {} };

    const entries: ProviderEntry[] = [];
    for (const [api, setups] of Object.entries(options.providers ?? {})) {
      if (!isApiName(api)) throw new ConfigurationError(`Unknown API '${api}' in providers.`);
      for (const setup of setups ?? []) {
        entries.push({ api, providerId: setup.providerId, spec: setup.spec, config: setup.config ?? {}, source: setup.source });
      }
    }

    const resolved = await resolveProviders({
      entries,
      storage,
      logger,
      buildApi: (api, providers) => {
        const createRouter = routerFactories[api];
        if (!createRouter) {
          throw new ConfigurationError(`API '${api}' has providers configured, but this version of @stack/stack cannot serve it yet.`);
        }
        return createRouter(providers, routerContext);
      },
    });
    closers.push(() => resolved.close());

    const apis = new Map<ApiName, unknown>(resolved.apis);
    // Inference is always served, so a stack without providers answers with advice, not 404s.
    const servedApis = new Set<ApiName>([...apis.keys(), 'inference', ...BUILTIN_APIS]);
    for (const name of options.apis ?? []) if (isApiName(name) && routeTables[name]) servedApis.add(name);
    for (const [companion, host] of Object.entries(COMPANION_APIS) as Array<[ApiName, ApiName]>) {
      if (servedApis.has(companion)) servedApis.add(host);
      if (servedApis.has(host)) servedApis.add(companion);
    }
    for (const api of servedApis) {
      const createRouter = routerFactories[api];
      if (!apis.has(api) && createRouter) apis.set(api, createRouter([], routerContext));
    }
    for (const [companion, host] of Object.entries(COMPANION_APIS) as Array<[ApiName, ApiName]>) {
      if (apis.has(host)) apis.set(companion, apis.get(host));
    }
    const inferenceProviders = new Map(
      resolved.providers
        .filter((provider) => provider.api === 'inference')
        .map((provider) => [provider.providerId, provider.instance as InferenceProvider]),
    );
    const modelsService = new ModelsService(registry, inferenceProviders, logger.child('models'));
    apis.set('models', modelsService);
    apis.set('providers', new ProvidersService(resolved.providers));

    const routes: RouteBinding[] = [];
    apis.set('inspect', new InspectService(STACK_VERSION, () => routes));
    for (const api of servedApis) {
      const table = routeTables[api];
      if (!table) continue;
      const servingApi = COMPANION_APIS[api] ?? api;
      const providerTypes = BUILTIN_APIS.includes(api)
        ? ['builtin']
        : resolved.providers.filter((provider) => provider.api === servingApi).map((provider) => provider.providerType);
      for (const definition of table) routes.push({ definition, impl: apis.get(api), providerTypes });
    }

    await modelsService.registerConfiguredModels(options.registeredResources?.models ?? []);
    if (!options.skipModelDiscovery) await modelsService.refresh();
    const toolGroups = options.registeredResources?.tool_groups ?? [];
    if (toolGroups.length > 0) {
      const tools = apis.get('tool_runtime');
      if (!(tools instanceof ToolsRouter)) throw new ConfigurationError('registered_resources.tool_groups is set, but there is no tool_runtime provider.');
      await tools.registerConfiguredGroups(toolGroups);
    }
    const configuredStores = options.registeredResources?.vector_stores ?? [];
    if (configuredStores.length > 0) {
      const vectorIo = apis.get('vector_io');
      if (!(vectorIo instanceof VectorIoRouter)) throw new ConfigurationError('registered_resources.vector_stores is set, but there is no vector_io provider.');
      await vectorIo.registerConfiguredStores(configuredStores);
    }

    const refreshing = resolved.providers
      .filter((provider) => provider.api === 'inference' && (provider.config as { refresh_models?: unknown })?.refresh_models === true)
      .map((provider) => provider.providerId);
    if (refreshing.length > 0) {
      const timer = setInterval(() => void modelsService.refresh(refreshing), options.modelRefreshIntervalMs ?? 300_000);
      timer.unref();
      closers.push(async () => clearInterval(timer));
    }

    let closing: Promise<void> | undefined;
    const stack: Stack = {
      inference: apis.get('inference') as InferenceApi,
      models: modelsService,
      inspect: apis.get('inspect') as InspectApi,
      providers: apis.get('providers') as ProvidersApi,
      api: <T>(name: ApiName): T => {
        if (!apis.has(name)) throw new ConfigurationError(`This stack has no '${name}' API. Configure a provider for it.`);
        return apis.get(name) as T;
      },
      apiNames: [...servedApis],
      routes,
      registry,
      storage,
      resolvedProviders: resolved.providers,
      logger,
      refreshModels: () => modelsService.refresh(),
      close: () => (closing ??= closeAll()),
    };
    return stack;
  } catch (error) {
    await closeAll();
    throw error;
  }
}

export interface RunConfigStackOptions {
  /** The provider packages this program knows, e.g. every `providerSpec` the server imports. */
  providerSpecs: readonly ProviderSpec[];
  /** Names the config in error messages (a file path, `distribution 'starter'`). */
  source?: string;
  baseDir?: string;
  logger?: Logger;
  skipModelDiscovery?: boolean;
}

/** Builds a stack from a parsed run config (see `parseRunConfig` / `loadRunConfigFile`). */
export async function createStackFromRunConfig(config: RunConfig, options: RunConfigStackOptions): Promise<Stack> {
  const source = options.source ?? 'run config';
  const providers: Partial<Record<ApiName, ProviderSetup[]>> = {};
  for (const [api, entries] of Object.entries(config.providers)) {
    if (!isApiName(api)) throw new ConfigurationError(`${source}: providers.${api}: unknown API '${api}'.`);
    (entries ?? []).forEach((entry, index) => {
      const where = `${source}: providers.${api}[${index}]`;
      const spec = options.providerSpecs.find((candidate) => candidate.api === api && candidate.providerType === entry.provider_type);
      if (!spec) {
        const known = options.providerSpecs.filter((candidate) => candidate.api === api).map((candidate) => candidate.providerType);
        throw new ConfigurationError(
          `${where}.provider_type: unknown provider type '${entry.provider_type}' for API '${api}'. Known: ${known.length > 0 ? known.join(', ') : '(none for this API)'}.`,
        );
      }
      (providers[api] ??= []).push({ providerId: entry.provider_id as string, spec, config: entry.config ?? {}, source: where });
    });
  }
  return createStack({
    providers,
    storage: config.storage,
    registeredResources: {
      models: config.registered_resources.models ?? [],
      tool_groups: config.registered_resources.tool_groups ?? [],
      vector_stores: [...(config.registered_resources.vector_stores ?? []), ...(config.registered_resources.vector_dbs ?? [])],
    },
    vectorStores: (config as { vector_stores?: VectorStoresSettings }).vector_stores ?? undefined,
    apis: config.apis,
    baseDir: options.baseDir,
    logger: options.logger ?? createConsoleLogger(),
    skipModelDiscovery: options.skipModelDiscovery,
    modelRefreshIntervalMs: config.model_refresh_interval_seconds ? config.model_refresh_interval_seconds * 1000 : undefined,
  });
}

function inMemoryStorage(): StorageConfigInput {
  return {
    backends: {
      kv_default: { type: 'kv_sqlite', db_path: ':memory:' },
      sql_default: { type: 'sql_sqlite', db_path: ':memory:' },
    },
    stores: { metadata: DEFAULT_METADATA_STORE, inference: DEFAULT_INFERENCE_STORE },
  };
}
