import { DocumentExtractionError } from './errors.js';
import { docxToText } from './extractors/docx.js';
import { htmlToText } from './extractors/html.js';
import { pdfToText } from './extractors/pdf.js';
import { detect, type DocumentFormat, type ExtractInput } from './format.js';

/** The text of a document and the format it was read as. */
export interface ExtractedDocument {
  text: string;
  format: DocumentFormat;
}

/**
 * Extracts the text of an uploaded document (format from {@link detectFormat}). Plain text, Markdown
 * and CSV come back as written (BOM dropped, line endings normalised to `\n`); HTML as its
 * visible text; JSON pretty-printed; PDF as the text of every page, pages separated by blank
 * lines; DOCX as its raw text. A document without text yields empty text rather than an error.
 * Throws {@link DocumentExtractionError}: `unsupported_format` or `corrupt_document`.
 */
export async function extractText(input: ExtractInput): Promise<ExtractedDocument> {
  const detection = detect(input);
  switch (detection.format) {
    case 'pdf':
      return { format: 'pdf', text: await pdfToText(input.data, input.filename) };
    case 'docx':
      return { format: 'docx', text: await docxToText(input.data, input.filename) };
    case 'html':
      return { format: 'html', text: htmlToText(detection.text) };
    case 'json':
      return { format: 'json', text: prettyJson(detection.text, input.filename) };
    case 'text':
    case 'markdown':
    case 'csv':
      return { format: detection.format, text: detection.text };
  }
}

function prettyJson(text: string, filename: string): string {
  if (text.trim().length === 0) return '';
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? ` (${error.message})` : '';
    throw new DocumentExtractionError('corrupt_document', `File '${filename}' is not valid JSON${detail}.`, { cause: error });
  }
  return JSON.stringify(value, null, 2);
}
