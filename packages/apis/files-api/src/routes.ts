import { defineRoute, type MultipartBody, type RouteDefinition } from '@stack/core';
import type { FilesApi } from './files-api.js';
import {
  fileDeleteResponseSchema,
  fileIdPathSchema,
  fileObjectSchema,
  fileUploadFieldsSchema,
  listFilesQuerySchema,
  listFilesResponseSchema,
  type FileUploadFields,
} from './schemas.js';

export const filesRoutes: RouteDefinition<FilesApi>[] = [
  defineRoute<FilesApi, undefined, undefined, typeof fileUploadFieldsSchema>({
    api: 'files',
    operationId: 'openaiUploadFile',
    method: 'POST',
    path: '/v1/files',
    summary: 'Upload file.',
    description: 'Upload a file (multipart form: `file`, `purpose`, optional `expires_after[anchor]` and `expires_after[seconds]`).',
    openaiCompatible: true,
    multipart: { fileField: 'file' },
    body: fileUploadFieldsSchema,
    response: fileObjectSchema,
    handler: (impl, input, context) => {
      const body = input.body as unknown as MultipartBody<FileUploadFields>;
      return impl.uploadFile({ file: body.file, fields: body.fields }, context);
    },
  }),
  defineRoute<FilesApi, undefined, typeof listFilesQuerySchema>({
    api: 'files',
    operationId: 'openaiListFiles',
    method: 'GET',
    path: '/v1/files',
    summary: 'List files.',
    openaiCompatible: true,
    query: listFilesQuerySchema,
    response: listFilesResponseSchema,
    handler: (impl, input, context) => impl.listFiles(input.query, context),
  }),
  defineRoute<FilesApi, typeof fileIdPathSchema>({
    api: 'files',
    operationId: 'openaiRetrieveFile',
    method: 'GET',
    path: '/v1/files/{file_id}',
    summary: 'Retrieve file.',
    openaiCompatible: true,
    pathParams: fileIdPathSchema,
    response: fileObjectSchema,
    handler: (impl, input, context) => impl.retrieveFile(input.path.file_id, context),
  }),
  defineRoute<FilesApi, typeof fileIdPathSchema>({
    api: 'files',
    operationId: 'openaiDeleteFile',
    method: 'DELETE',
    path: '/v1/files/{file_id}',
    summary: 'Delete file.',
    openaiCompatible: true,
    pathParams: fileIdPathSchema,
    response: fileDeleteResponseSchema,
    handler: (impl, input, context) => impl.deleteFile(input.path.file_id, context),
  }),
  defineRoute<FilesApi, typeof fileIdPathSchema>({
    api: 'files',
    operationId: 'openaiRetrieveFileContent',
    method: 'GET',
    path: '/v1/files/{file_id}/content',
    summary: 'Retrieve file content.',
    openaiCompatible: true,
    pathParams: fileIdPathSchema,
    binaryResponse: 'application/octet-stream',
    handler: (impl, input, context) => impl.retrieveFileContent(input.path.file_id, context),
  }),
];
