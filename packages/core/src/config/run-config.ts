import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { storageConfigSchema } from '../storage/types.js';
import { EnvironmentVariableError, substituteEnvironment } from './env-substitution.js';

/** A startup problem in a run config: names the file, the path inside it and what was expected. */
export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

const jsonRecord = z.record(z.string(), z.unknown());

export const providerEntrySchema = z
  .object({
    provider_id: z.string().nullish(),
    provider_type: z.string().min(1),
    config: jsonRecord.nullish(),
    module: z.string().nullish(),
  })
  .loose();

export const modelInputSchema = z
  .object({
    model_id: z.string().min(1),
    provider_id: z.string().nullish(),
    provider_model_id: z.string().nullish(),
    model_type: z.enum(['llm', 'embedding', 'rerank']).nullish(),
    metadata: jsonRecord.nullish(),
  })
  .loose();

export const registeredResourcesSchema = z
  .object({
    models: z.array(modelInputSchema).nullish(),
    shields: z.array(jsonRecord).nullish(),
    vector_dbs: z.array(jsonRecord).nullish(),
    vector_stores: z.array(jsonRecord).nullish(),
    datasets: z.array(jsonRecord).nullish(),
    scoring_fns: z.array(jsonRecord).nullish(),
    benchmarks: z.array(jsonRecord).nullish(),
    tool_groups: z.array(jsonRecord).nullish(),
  })
  .loose();

export const serverConfigSchema = z
  .object({
    port: z.coerce.number().int().min(0).max(65535).default(8321),
    host: z.string().nullish(),
    tls_certfile: z.string().nullish(),
    tls_keyfile: z.string().nullish(),
    /** Seconds SIGTERM waits for in-flight requests before closing them. */
    shutdown_grace_period: z.coerce.number().positive().nullish(),
  })
  .loose();

export const runConfigSchema = z
  .object({
    version: z.union([z.number(), z.string()]).default(2),
    image_name: z.string().nullish(),
    apis: z.array(z.string()).default([]),
    providers: z.record(z.string(), z.array(providerEntrySchema).nullish()).default({}),
    storage: storageConfigSchema.default({ backends: {}, stores: {} }),
    registered_resources: registeredResourcesSchema.default({}),
    server: serverConfigSchema.default({ port: 8321 }),
    /** How often providers with `refresh_models: true` are asked for their models (default 300). */
    model_refresh_interval_seconds: z.coerce.number().positive().nullish(),
  })
  .loose();

export type ProviderEntryConfig = z.output<typeof providerEntrySchema>;
export type ModelInput = z.output<typeof modelInputSchema>;
export type RunConfig = z.output<typeof runConfigSchema>;
export type RunConfigInput = z.input<typeof runConfigSchema>;

export interface ParseRunConfigOptions {
  /** Named in error messages, e.g. the file path or `distribution 'starter'`. */
  source?: string;
  environment?: Record<string, string | undefined>;
}

/**
 * Substitutes the environment into a run config, drops providers and resources whose
 * `provider_id` resolved to empty (disabled), and validates the result.
 */
export function parseRunConfig(raw: unknown, options: ParseRunConfigOptions = {}): RunConfig {
  const source = options.source ?? 'run config';
  let substituted: unknown;
  try {
    substituted = substituteEnvironment(raw, options.environment ?? process.env);
  } catch (error) {
    if (error instanceof EnvironmentVariableError) {
      throw new ConfigurationError(`${source}: ${error.path}: ${error.message}`, { cause: error });
    }
    throw error;
  }
  const parsed = runConfigSchema.safeParse(substituted);
  if (!parsed.success) {
    throw new ConfigurationError(`${source}: invalid run config:\n${formatIssues(parsed.error)}`, { cause: parsed.error });
  }
  const config = parsed.data;
  for (const [api, entries] of Object.entries(config.providers)) {
    config.providers[api] = (entries ?? []).filter((entry) => typeof entry.provider_id === 'string' && entry.provider_id !== '');
  }
  const resources = config.registered_resources as Record<string, unknown>;
  for (const [kind, list] of Object.entries(resources)) {
    if (Array.isArray(list)) {
      resources[kind] = list.filter((item) => !(isRecord(item) && 'provider_id' in item && (item.provider_id === null || item.provider_id === '')));
    }
  }
  return config;
}

/** Reads and parses a YAML run config file. */
export async function loadRunConfigFile(path: string, environment?: Record<string, string | undefined>): Promise<RunConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigurationError(`Cannot read run config '${path}': ${(error as Error).message}`, { cause: error });
  }
  return parseRunConfigText(text, { source: path, environment });
}

export function parseRunConfigText(text: string, options: ParseRunConfigOptions = {}): RunConfig {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new ConfigurationError(`${options.source ?? 'run config'}: not valid YAML: ${(error as Error).message}`, { cause: error });
  }
  if (!isRecord(raw)) throw new ConfigurationError(`${options.source ?? 'run config'}: expected a mapping at the top level.`);
  return parseRunConfig(raw, options);
}

/** `providers.inference[0].config.url: expected string, received number` — one line per issue. */
export function formatIssues(error: z.ZodError, prefix = ''): string {
  return error.issues
    .map((issue) => `  - ${formatPath([...splitPrefix(prefix), ...issue.path]) || '(root)'}: ${issue.message}`)
    .join('\n');
}

export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else text += text ? `.${String(segment)}` : String(segment);
  }
  return text;
}

function splitPrefix(prefix: string): string[] {
  return prefix ? [prefix] : [];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
