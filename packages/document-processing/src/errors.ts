/** Why a document could not be turned into text. */
export type DocumentExtractionErrorCode = 'unsupported_format' | 'corrupt_document' | 'empty_document';

/**
 * Thrown by {@link detectFormat} and {@link extractText}. `unsupported_format`: the bytes are not
 * a format this package reads (e.g. an image); `corrupt_document`: the bytes claim a supported
 * format but cannot be parsed (damaged or encrypted PDF, invalid JSON, ...). `empty_document` is
 * reserved for callers that reject documents without text; extraction itself returns empty text.
 */
export class DocumentExtractionError extends Error {
  override readonly name = 'DocumentExtractionError';
  readonly code: DocumentExtractionErrorCode;

  constructor(code: DocumentExtractionErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }

  /** Whether `error` is a {@link DocumentExtractionError}, optionally with the given code. */
  static isInstance(error: unknown, code?: DocumentExtractionErrorCode): error is DocumentExtractionError {
    return error instanceof DocumentExtractionError && (code === undefined || error.code === code);
  }
}
