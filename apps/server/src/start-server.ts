import { dirname, resolve } from 'node:path';
import { stat } from 'node:fs/promises';
import {
  ConfigurationError,
  createConsoleLogger,
  loadRunConfigFile,
  parseRunConfig,
  type Logger,
  type ProviderSpec,
  type RunConfig,
} from '@stack/core';
import { serve, type RunningServer } from '@stack/http';
import { createStackFromRunConfig } from '@stack/stack';
import { knownDistributions, knownProviderSpecs } from './known-providers.js';

export interface StartServerOptions {
  /** A run.yaml path or a distribution name (default `starter`). */
  config?: string;
  /** Overrides `server.port` of the run config; 0 picks a free port. */
  port?: number;
  host?: string;
  environment?: Record<string, string | undefined>;
  logger?: Logger;
  shutdownGracePeriodMs?: number;
}

export interface StartedServer extends RunningServer {
  runConfig: RunConfig;
}

/** Loads a run config or distribution, builds the stack and serves it. */
export async function startServer(options: StartServerOptions = {}): Promise<StartedServer> {
  const logger = options.logger ?? createConsoleLogger();
  const environment = options.environment ?? process.env;
  const target = options.config ?? 'starter';
  const { runConfig, source, providerSpecs, baseDir, advice } = await loadTarget(target, environment);

  const stack = await createStackFromRunConfig(runConfig, { providerSpecs, source, baseDir, logger });
  const running = await serve(stack, {
    port: options.port ?? runConfig.server.port,
    host: options.host ?? runConfig.server.host ?? '0.0.0.0',
    logger,
    shutdownGracePeriodMs: options.shutdownGracePeriodMs ?? (runConfig.server.shutdown_grace_period ?? 10) * 1000,
  });
  const providers = stack.resolvedProviders.map((provider) => `${provider.providerId} (${provider.providerType})`);
  logger.info(`Stack serving ${source} at ${running.url}`);
  logger.info(`Providers: ${providers.length > 0 ? providers.join(', ') : '(none)'}`);
  for (const line of advice) logger.warn(line);
  return { ...running, runConfig };
}

async function loadTarget(target: string, environment: Record<string, string | undefined>) {
  const distribution = knownDistributions[target];
  if (distribution) {
    const runConfig = parseRunConfig(distribution.runConfig, { source: `distribution '${target}'`, environment });
    return {
      runConfig,
      source: `distribution '${target}'`,
      providerSpecs: distribution.providerSpecs as readonly ProviderSpec[],
      baseDir: process.cwd(),
      advice: distribution.startupAdvice?.(runConfig) ?? [],
    };
  }
  const path = resolve(target);
  const exists = await stat(path).then((info) => info.isFile(), () => false);
  if (!exists) {
    throw new ConfigurationError(
      `'${target}' is neither a run config file nor a known distribution. Distributions: ${Object.keys(knownDistributions).join(', ')}.`,
    );
  }
  const runConfig = await loadRunConfigFile(path, environment);
  const advice = (runConfig.providers.inference ?? []).length === 0 && runConfig.apis.includes('inference')
    ? ['No inference provider is configured: add one under providers.inference (e.g. remote::ollama, remote::vllm, remote::openai).']
    : [];
  return { runConfig, source: path, providerSpecs: knownProviderSpecs, baseDir: dirname(path), advice };
}
