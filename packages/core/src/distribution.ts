import type { RunConfig } from './config/run-config.js';
import type { ProviderSpec } from './provider.js';

/**
 * A ready-made composition: a run config in the reference format (with `${env.X}` references
 * still in place) and the provider packages it uses.
 */
export interface Distribution {
  name: string;
  description: string;
  /** The run config before environment substitution, as it would be written in run.yaml. */
  runConfig: Record<string, unknown>;
  providerSpecs: readonly ProviderSpec[];
  /** Advice printed at startup for the resolved config, e.g. how to switch on a provider. */
  startupAdvice?(config: RunConfig): string[];
}
