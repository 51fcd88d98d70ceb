import { DocumentExtractionError } from '../errors.js';

/**
 * The text of every page of a PDF, in page order, pages separated by a blank line. Runs entirely
 * in-process (no worker thread, no font or network fetches). Damaged or password-protected files
 * throw {@link DocumentExtractionError} with code `corrupt_document`.
 */
export async function pdfToText(data: Uint8Array, filename: string): Promise<string> {
  const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const task = getDocument({
    // pdf.js may take ownership of the buffer it is given, so hand it a copy.
    data: new Uint8Array(data),
    disableFontFace: true,
    useSystemFonts: false,
    useWorkerFetch: false,
    isEvalSupported: false,
    isOffscreenCanvasSupported: false,
    disableAutoFetch: true,
    disableStream: true,
    stopAtErrors: false,
    verbosity: 0,
  });
  try {
    let document;
    try {
      document = await task.promise;
    } catch (error) {
      const reason = errorName(error) === 'PasswordException' ? 'it is encrypted with a password' : 'it is not a readable PDF';
      throw new DocumentExtractionError('corrupt_document', `Cannot extract text from '${filename}': ${reason}.`, { cause: error });
    }
    const pages: string[] = [];
    for (let number = 1; number <= document.numPages; number++) {
      let text: string;
      try {
        const page = await document.getPage(number);
        const content = await page.getTextContent();
        // Marked-content items carry no text; text items end a line when `hasEOL` is set.
        text = content.items.map((item) => ('str' in item ? (item.hasEOL ? `${item.str}\n` : item.str) : '')).join('');
        page.cleanup();
      } catch (error) {
        throw new DocumentExtractionError('corrupt_document', `Cannot extract text from page ${number} of '${filename}'.`, { cause: error });
      }
      const trimmed = text.replace(/[ \t]+\n/g, '\n').trim();
      if (trimmed.length > 0) pages.push(trimmed);
    }
    return pages.join('\n\n');
  } finally {
    await task.destroy();
  }
}

function errorName(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'name' in error && typeof error.name === 'string' ? error.name : undefined;
}
