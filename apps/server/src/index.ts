export { knownDistributions, knownProviderSpecs } from './known-providers.js';
export { startServer, type StartServerOptions, type StartedServer } from './start-server.js';
