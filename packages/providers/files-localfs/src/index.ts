import { defineProvider } from '@stack/core';
import { localFsFilesConfigSchema } from './config.js';
import { createLocalFsFiles, type LocalFsFilesProvider } from './localfs-files.js';

export const providerSpec = defineProvider({
  api: 'files',
  providerType: 'inline::localfs',
  description: 'Files on the local disk, metadata in a SQL store.',
  configSchema: localFsFilesConfigSchema,
  create(config, deps): Promise<LocalFsFilesProvider> {
    return createLocalFsFiles(config, { storage: deps.storage, logger: deps.logger });
  },
});

export {
  DEFAULT_FILE_TTL_SECONDS,
  defaultLocalFsMetadataStore,
  localFsFilesConfigSchema,
  resolveStorageDir,
  type LocalFsFilesConfig,
  type LocalFsFilesConfigInput,
} from './config.js';
export { createLocalFsFiles, type LocalFsFilesOptions, type LocalFsFilesProvider } from './localfs-files.js';
