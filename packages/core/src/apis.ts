/** The API names of the reference run configuration (`apis:` and the keys of `providers:`). */
export const API_NAMES = [
  'inference',
  'models',
  'inspect',
  'providers',
  'agents',
  'batches',
  'conversations',
  'datasetio',
  'datasets',
  'eval',
  'benchmarks',
  'files',
  'post_training',
  'prompts',
  'safety',
  'shields',
  'scoring',
  'scoring_functions',
  'tool_runtime',
  'tool_groups',
  'vector_io',
  'vector_stores',
] as const;

export type ApiName = (typeof API_NAMES)[number];

export function isApiName(value: string): value is ApiName {
  return (API_NAMES as readonly string[]).includes(value);
}
