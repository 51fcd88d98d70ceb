export * from './env-substitution.js';
export * from './run-config.js';
