#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { ConfigurationError, createConsoleLogger } from '@stack/core';
import { STACK_VERSION } from '@stack/stack';
import { knownDistributions, knownProviderSpecs } from './known-providers.js';
import { startServer } from './start-server.js';

const usage = `Usage:
  stack run [run.yaml | distribution] [--port N] [--host HOST]
  stack providers            list the provider types this server knows
  stack --version

Distributions: ${Object.keys(knownDistributions).join(', ')}. Without an argument, 'stack run' starts 'starter'.`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
  });
  if (values.version) {
    console.log(STACK_VERSION);
    return 0;
  }
  const [command, target, ...extra] = positionals;
  if (values.help || !command) {
    console.log(usage);
    return values.help ? 0 : 1;
  }
  if (command === 'providers') {
    for (const spec of knownProviderSpecs) console.log(`${spec.api.padEnd(12)} ${spec.providerType}`);
    return 0;
  }
  if (command !== 'run' || extra.length > 0) {
    console.error(usage);
    return 1;
  }
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
    console.error(`--port must be an integer from 0 to 65535, not '${values.port}'.`);
    return 1;
  }

  const logger = createConsoleLogger();
  // Listen for signals before starting, so one that arrives during startup is not lost.
  const stopSignal = new Promise<string>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  const server = await startServer({ config: target, port, host: values.host, logger });
  const signal = await stopSignal;
  logger.info(`${signal} received: finishing in-flight requests, then closing providers.`);
  await server.close();
  logger.info('Stopped.');
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof ConfigurationError) console.error(`Configuration error: ${error.message}`);
    else console.error(error);
    process.exitCode = 1;
  },
);
