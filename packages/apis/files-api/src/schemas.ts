import { z } from 'zod';

/** What a file is for. OpenAI's purposes; the reference spec lists `assistants` and `batch`. */
export const filePurposeSchema = z.enum(['assistants', 'batch', 'fine-tune', 'vision', 'user_data', 'evals']);
export type FilePurpose = z.output<typeof filePurposeSchema>;

export const MIN_FILE_EXPIRY_SECONDS = 3600;
export const MAX_FILE_EXPIRY_SECONDS = 2_592_000;

/** `expires_after`: seconds after creation, between one hour and 30 days. */
export const fileExpiresAfterSchema = z.object({
  anchor: z.literal('created_at'),
  seconds: z.coerce
    .number()
    .int()
    .min(MIN_FILE_EXPIRY_SECONDS, `must be at least ${MIN_FILE_EXPIRY_SECONDS} (one hour)`)
    .max(MAX_FILE_EXPIRY_SECONDS, `must be at most ${MAX_FILE_EXPIRY_SECONDS} (30 days)`),
});
export type FileExpiresAfter = z.output<typeof fileExpiresAfterSchema>;

/** The form fields of an upload besides the file itself. */
export const fileUploadFieldsSchema = z.object({
  purpose: filePurposeSchema,
  expires_after: fileExpiresAfterSchema.optional(),
});
export type FileUploadFields = z.output<typeof fileUploadFieldsSchema>;

export const fileObjectSchema = z.object({
  object: z.literal('file'),
  id: z.string(),
  bytes: z.number().int(),
  created_at: z.number().int(),
  expires_at: z.number().int().nullable(),
  filename: z.string(),
  purpose: filePurposeSchema,
  /** Deprecated OpenAI fields, answered for clients that read them. */
  status: z.literal('processed').optional(),
});
export type FileObject = z.output<typeof fileObjectSchema>;

export const listFilesQuerySchema = z.object({
  after: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(10_000).optional(),
  order: z.enum(['asc', 'desc']).optional(),
  purpose: filePurposeSchema.optional(),
});
export type ListFilesRequest = z.output<typeof listFilesQuerySchema>;

export const listFilesResponseSchema = z.object({
  object: z.literal('list'),
  data: z.array(fileObjectSchema),
  first_id: z.string().nullable(),
  last_id: z.string().nullable(),
  has_more: z.boolean(),
});
export type ListFilesResponse = z.output<typeof listFilesResponseSchema>;

export const fileDeleteResponseSchema = z.object({
  id: z.string(),
  object: z.literal('file'),
  deleted: z.boolean(),
});
export type FileDeleteResponse = z.output<typeof fileDeleteResponseSchema>;

export const fileIdPathSchema = z.object({ file_id: z.string().min(1) });
