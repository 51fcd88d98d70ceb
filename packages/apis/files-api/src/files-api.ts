import type { BinaryContent, RequestContext, UploadedFile } from '@stack/core';
import type { FileDeleteResponse, FileObject, FileUploadFields, ListFilesRequest, ListFilesResponse } from './schemas.js';

/**
 * An upload: the file's bytes as a stream, and its form fields. Over HTTP the fields may follow
 * the file in the form, so they can be a promise that settles once the form has been read;
 * implementations start storing the bytes at once and check the fields before committing.
 */
export interface FileUploadRequest {
  file: UploadedFile;
  fields: FileUploadFields | Promise<FileUploadFields>;
}

/**
 * The Files API (OpenAI-compatible). Files providers implement it whole; the stack serves one
 * files provider. Unknown or expired ids throw `NotFoundError`.
 */
export interface FilesApi {
  uploadFile(request: FileUploadRequest, context?: RequestContext): Promise<FileObject>;
  /** Newest first by default; `limit` defaults to 10,000 as in OpenAI. */
  listFiles(request?: ListFilesRequest, context?: RequestContext): Promise<ListFilesResponse>;
  retrieveFile(fileId: string, context?: RequestContext): Promise<FileObject>;
  /** The stored bytes, streamed. */
  retrieveFileContent(fileId: string, context?: RequestContext): Promise<BinaryContent>;
  deleteFile(fileId: string, context?: RequestContext): Promise<FileDeleteResponse>;
}

/** What a files provider's `create` returns. */
export type FilesProvider = FilesApi;
