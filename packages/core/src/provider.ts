import type { z } from 'zod';
import type { ApiName } from './apis.js';
import type { Logger } from './logger.js';
import type { StorageManager } from './storage/types.js';

/** What a provider instance may hold and must release. */
export interface Closable {
  close?(): Promise<void> | void;
}

/** Optional hooks an instance can offer to the stack. */
export interface ProviderHealth {
  status: 'OK' | 'Error' | 'Not Implemented';
  message?: string;
}

export interface ProviderInstanceHooks extends Closable {
  /** Checked by `GET /v1/providers`; should be cheap and bounded in time. */
  health?(): Promise<ProviderHealth>;
}

export interface ProviderDependencies {
  /** The `provider_id` this instance was configured under. */
  providerId: string;
  /** The routed implementation of an API this provider declared in `apiDependencies`. */
  api<T>(name: ApiName): T;
  /** The routed implementation of an optional dependency, if the stack has that API. */
  optionalApi<T>(name: ApiName): T | undefined;
  storage: StorageManager;
  logger: Logger;
}

/**
 * The provider contract. A provider package exports one of these as `providerSpec`; nothing runs
 * at import time. `create` may connect to outside services; the returned instance's `close()`
 * releases what it holds.
 */
export interface ProviderSpec<Config = any, Instance extends object = object> {
  api: ApiName;
  /** The reference type string, e.g. `remote::vllm`, `inline::sqlite-vec`. */
  providerType: string;
  description?: string;
  /** Validates the provider's `config:` block from the run config. */
  configSchema: z.ZodType<Config, any>;
  /** APIs this provider calls; the resolver builds them first. */
  apiDependencies?: readonly ApiName[];
  optionalApiDependencies?: readonly ApiName[];
  /**
   * Validates the provider's part of the `X-LlamaStack-Provider-Data` header (per-request
   * credentials such as `openai_api_key`).
   */
  providerDataSchema?: z.ZodType<any, any>;
  create(config: Config, deps: ProviderDependencies): Promise<Instance & ProviderInstanceHooks> | (Instance & ProviderInstanceHooks);
}

/** Helper that keeps the config type inferred from the schema. */
export function defineProvider<Schema extends z.ZodType<any, any>, Instance extends object>(
  spec: Omit<ProviderSpec<z.output<Schema>, Instance>, 'configSchema'> & { configSchema: Schema },
): ProviderSpec<z.output<Schema>, Instance> {
  return spec as ProviderSpec<z.output<Schema>, Instance>;
}
