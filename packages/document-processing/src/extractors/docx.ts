import mammoth from 'mammoth';
import { DocumentExtractionError } from '../errors.js';
import { normaliseNewlines } from '../text-decoding.js';

/**
 * The raw text of a Word (.docx) document, paragraphs separated by blank lines. Files that are
 * not readable Office Open XML documents (damaged, encrypted, another ZIP) throw
 * {@link DocumentExtractionError} with code `corrupt_document`.
 */
export async function docxToText(data: Uint8Array, filename: string): Promise<string> {
  let value: string;
  try {
    const result = await mammoth.extractRawText({ buffer: Buffer.from(data.buffer, data.byteOffset, data.byteLength) });
    value = result.value;
  } catch (error) {
    throw new DocumentExtractionError('corrupt_document', `Cannot extract text from '${filename}': it is not a readable DOCX document.`, {
      cause: error,
    });
  }
  return normaliseNewlines(value)
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
