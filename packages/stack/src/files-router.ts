import { ConfigurationError, UnsupportedError, type BinaryContent, type RequestContext } from '@stack/core';
import type { FileDeleteResponse, FileObject, FilesApi, FilesProvider, FileUploadRequest, ListFilesRequest, ListFilesResponse } from '@stack/files-api';

/** The files API of a stack: the one files provider, or advice when there is none. */
export class FilesRouter implements FilesApi {
  private readonly provider: FilesProvider | undefined;

  constructor(providers: ReadonlyMap<string, FilesProvider>) {
    if (providers.size > 1) {
      throw new ConfigurationError(`A stack serves one files provider; configured: ${[...providers.keys()].join(', ')}. Keep one under providers.files.`);
    }
    this.provider = providers.values().next().value;
  }

  private get target(): FilesProvider {
    if (!this.provider) throw new UnsupportedError('This stack has no files provider. Add one under providers.files (e.g. inline::localfs).', { code: 'no_files_provider' });
    return this.provider;
  }

  uploadFile(request: FileUploadRequest, context?: RequestContext): Promise<FileObject> {
    return this.target.uploadFile(request, context);
  }

  listFiles(request?: ListFilesRequest, context?: RequestContext): Promise<ListFilesResponse> {
    return this.target.listFiles(request, context);
  }

  retrieveFile(fileId: string, context?: RequestContext): Promise<FileObject> {
    return this.target.retrieveFile(fileId, context);
  }

  retrieveFileContent(fileId: string, context?: RequestContext): Promise<BinaryContent> {
    return this.target.retrieveFileContent(fileId, context);
  }

  deleteFile(fileId: string, context?: RequestContext): Promise<FileDeleteResponse> {
    return this.target.deleteFile(fileId, context);
  }
}
