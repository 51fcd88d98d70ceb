import type { Principal } from './context.js';
import { ConflictError, NotFoundError } from './errors.js';
import type { KVStore } from './storage/types.js';

export type ResourceType =
  | 'model'
  | 'shield'
  | 'vector_store'
  | 'dataset'
  | 'scoring_function'
  | 'benchmark'
  | 'tool'
  | 'tool_group'
  | 'prompt';

/** What every registered resource carries; type-specific fields sit beside these. */
export interface Resource {
  type: ResourceType;
  /** The id clients use. */
  identifier: string;
  /** The provider that owns the resource. */
  provider_id: string;
  /** The id the provider itself knows it by. */
  provider_resource_id: string;
  /** Who registered it; absent means visible to everyone. */
  owner?: Principal | undefined;
  /** How it came to be registered: `run_config`, `listed_models` (discovery) or `api`. */
  source?: 'run_config' | 'listed_models' | 'api' | undefined;
  [field: string]: unknown;
}

/**
 * The resource registry, persisted in the metadata key-value store so that every server process
 * sharing that store sees the same resources. Keys are `<type>:<identifier>`.
 */
export class ResourceRegistry {
  constructor(private readonly store: KVStore) {}

  async get<R extends Resource>(type: ResourceType, identifier: string): Promise<R | undefined> {
    const value = await this.store.get(keyOf(type, identifier));
    return value === undefined ? undefined : (JSON.parse(value) as R);
  }

  async require<R extends Resource>(type: ResourceType, identifier: string, what = labelOf(type)): Promise<R> {
    const resource = await this.get<R>(type, identifier);
    if (!resource) throw NotFoundError.of(what, identifier);
    return resource;
  }

  async list<R extends Resource>(type: ResourceType): Promise<R[]> {
    const entries = await this.store.entriesWithPrefix(`${type}:`);
    return entries.map((entry) => JSON.parse(entry.value) as R);
  }

  /**
   * Registers a resource. Registering the same identifier again with the same provider and
   * provider id updates it; pointing an existing identifier elsewhere is a conflict.
   */
  async register<R extends Resource>(resource: R): Promise<R> {
    const existing = await this.get(resource.type, resource.identifier);
    if (
      existing &&
      (existing.provider_id !== resource.provider_id || existing.provider_resource_id !== resource.provider_resource_id)
    ) {
      throw new ConflictError(
        `${labelOf(resource.type)} '${resource.identifier}' is already registered with provider '${existing.provider_id}' as '${existing.provider_resource_id}'. Unregister it first.`,
        { code: 'already_exists' },
      );
    }
    await this.store.set(keyOf(resource.type, resource.identifier), JSON.stringify(resource));
    return resource;
  }

  /** Writes a resource, replacing any existing one with the same identifier. */
  async put<R extends Resource>(resource: R): Promise<R> {
    await this.store.set(keyOf(resource.type, resource.identifier), JSON.stringify(resource));
    return resource;
  }

  async unregister(type: ResourceType, identifier: string): Promise<void> {
    await this.require(type, identifier);
    await this.store.delete(keyOf(type, identifier));
  }
}

function keyOf(type: ResourceType, identifier: string): string {
  return `${type}:${identifier}`;
}

export function labelOf(type: ResourceType): string {
  const label = type.replaceAll('_', ' ');
  return label.charAt(0).toUpperCase() + label.slice(1);
}

/** Where a request for a resource goes: the owning provider and the provider's own id. */
export interface Route<P> {
  providerId: string;
  provider: P;
  providerResourceId: string;
  /** The registered resource, absent when the id was routed by its `provider_id/` prefix. */
  resource?: Resource;
}

/**
 * Sends a request naming a resource to the provider that owns it. An identifier that is not
 * registered but starts with a configured `provider_id/` goes to that provider with the rest as
 * the provider's own id, so `ollama/llama3.2:3b` works before discovery has registered it.
 */
export class RoutingTable<P> {
  constructor(
    private readonly registry: ResourceRegistry,
    private readonly type: ResourceType,
    private readonly providers: ReadonlyMap<string, P>,
  ) {}

  get providerIds(): string[] {
    return [...this.providers.keys()];
  }

  provider(providerId: string): P | undefined {
    return this.providers.get(providerId);
  }

  async route(identifier: string, param = 'model'): Promise<Route<P>> {
    const resource = await this.registry.get(this.type, identifier);
    if (resource) {
      const provider = this.providers.get(resource.provider_id);
      if (!provider) {
        throw new NotFoundError(
          `${labelOf(this.type)} '${identifier}' belongs to provider '${resource.provider_id}', which is not configured in this stack.`,
          { code: 'provider_not_found', param },
        );
      }
      return { providerId: resource.provider_id, provider, providerResourceId: resource.provider_resource_id, resource };
    }
    const slash = identifier.indexOf('/');
    if (slash > 0) {
      const providerId = identifier.slice(0, slash);
      const provider = this.providers.get(providerId);
      if (provider) return { providerId, provider, providerResourceId: identifier.slice(slash + 1) };
    }
    throw new NotFoundError(`${labelOf(this.type)} '${identifier}' not found. List the available ones with GET /v1/${this.type}s.`, {
      code: `${this.type}_not_found`,
      param,
    });
  }
}
