import { DocumentExtractionError } from './errors.js';
import { containsAscii, decodeText, startsWithAscii } from './text-decoding.js';

/** The document formats {@link extractText} reads. */
export type DocumentFormat = 'text' | 'markdown' | 'html' | 'json' | 'csv' | 'pdf' | 'docx';

/** An uploaded file: its bytes, its name and, when known, its declared MIME type. */
export interface ExtractInput {
  data: Uint8Array;
  filename: string;
  contentType?: string | undefined;
}

const contentTypes: Record<string, DocumentFormat> = {
  'text/plain': 'text',
  'text/markdown': 'markdown',
  'text/x-markdown': 'markdown',
  'text/html': 'html',
  'application/xhtml+xml': 'html',
  'application/json': 'json',
  'text/json': 'json',
  'text/csv': 'csv',
  'application/csv': 'csv',
  'text/tab-separated-values': 'csv',
  'application/pdf': 'pdf',
  'application/x-pdf': 'pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
};

const extensions: Record<string, DocumentFormat> = {
  txt: 'text',
  text: 'text',
  log: 'text',
  md: 'markdown',
  markdown: 'markdown',
  mdx: 'markdown',
  html: 'html',
  htm: 'html',
  xhtml: 'html',
  json: 'json',
  csv: 'csv',
  tsv: 'csv',
  pdf: 'pdf',
  docx: 'docx',
};

/** The format named by a MIME type (parameters such as `charset` are ignored). */
export function formatFromContentType(contentType: string | undefined): DocumentFormat | undefined {
  if (contentType === undefined) return undefined;
  const essence = contentType.split(';', 1)[0]!.trim().toLowerCase();
  if (essence in contentTypes) return contentTypes[essence];
  if (essence.endsWith('+json')) return 'json';
  return undefined;
}

/** The format named by a file name's extension. */
export function formatFromFilename(filename: string): DocumentFormat | undefined {
  const base = filename.slice(Math.max(filename.lastIndexOf('/'), filename.lastIndexOf('\\')) + 1);
  const dot = base.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const extension = base.slice(dot + 1).toLowerCase();
  return Object.hasOwn(extensions, extension) ? extensions[extension] : undefined;
}

/** The format recognised by leading magic bytes: `%PDF-`, or a ZIP archive holding `word/document.xml`. */
export function formatFromMagicBytes(data: Uint8Array): 'pdf' | 'docx' | undefined {
  if (startsWithAscii(data, '%PDF-')) return 'pdf';
  if (startsWithAscii(data, 'PK\u0003\u0004') && containsAscii(data, 'word/document.xml')) return 'docx';
  return undefined;
}

/** The detected format and, for text formats, the already decoded text. */
export type Detection = { format: 'pdf' | 'docx' } | { format: Exclude<DocumentFormat, 'pdf' | 'docx'>; text: string };

/** {@link detectFormat}, also handing back the decoded text so extraction need not decode twice. */
export function detect(input: ExtractInput): Detection {
  const magic = formatFromMagicBytes(input.data);
  if (magic !== undefined) return { format: magic };
  const byType = formatFromContentType(input.contentType);
  const byName = formatFromFilename(input.filename);
  // A generic `text/plain` says less than a `.md` or `.csv` extension does.
  const declared = byType !== undefined && byType !== 'text' ? byType : (byName ?? byType);
  if (declared === 'pdf' || declared === 'docx') return { format: declared };
  const text = decodeText(input.data, declared !== undefined);
  if (text === undefined) {
    throw new DocumentExtractionError(
      'unsupported_format',
      `File '${input.filename}'${input.contentType ? ` (${input.contentType})` : ''} is binary data in an unsupported format; ` +
        'supported formats are plain text, Markdown, HTML, JSON, CSV, PDF and DOCX.',
    );
  }
  return { format: declared ?? 'text', text };
}

/**
 * Detects the format of an upload. Magic bytes win (`%PDF-`; a ZIP archive with
 * `word/document.xml` is DOCX); otherwise the content type, then the file extension, decide
 * (a specific extension beats a generic `text/plain`). Undeclared data that is valid UTF-8 text
 * is `'text'`; binary data in no supported format throws
 * {@link DocumentExtractionError} with code `unsupported_format`.
 */
export function detectFormat(input: ExtractInput): DocumentFormat {
  return detect(input).format;
}
