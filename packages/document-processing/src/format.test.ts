import { describe, expect, it } from 'vitest';
import { makeDocx, makePdf, PNG_BYTES, utf8 } from '../test/fixtures.js';
import { DocumentExtractionError } from './errors.js';
import { detectFormat, formatFromContentType, formatFromFilename } from './format.js';

describe('detectFormat', () => {
  it('recognises PDF and DOCX by magic bytes without a telling name or type', async () => {
    const pdf = await makePdf([['Hello']]);
    const docx = await makeDocx(['Hello']);
    expect(detectFormat({ data: pdf, filename: 'upload' })).toBe('pdf');
    expect(detectFormat({ data: docx, filename: 'upload', contentType: 'application/octet-stream' })).toBe('docx');
    // Magic bytes beat a misleading name.
    expect(detectFormat({ data: pdf, filename: 'notes.txt', contentType: 'text/plain' })).toBe('pdf');
  });

  it('does not take any ZIP archive for DOCX', () => {
    const zip = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00, ...utf8('xl/workbook.xml')]);
    expect(() => detectFormat({ data: zip, filename: 'book.xlsx' })).toThrow(DocumentExtractionError);
  });

  it('uses the content type, then the extension, for text formats', () => {
    const data = utf8('a,b\n1,2\n');
    expect(detectFormat({ data, filename: 'data.csv' })).toBe('csv');
    expect(detectFormat({ data, filename: 'data', contentType: 'text/csv; charset=utf-8' })).toBe('csv');
    expect(detectFormat({ data, filename: 'README.md', contentType: 'text/plain' })).toBe('markdown');
    expect(detectFormat({ data, filename: 'page.txt', contentType: 'text/html' })).toBe('html');
    expect(detectFormat({ data, filename: 'x.JSON' })).toBe('json');
    expect(detectFormat({ data, filename: 'x', contentType: 'application/ld+json' })).toBe('json');
  });

  it('calls unknown UTF-8 text plain text', () => {
    expect(detectFormat({ data: utf8('just some words, ünïcödé'), filename: 'notes.unknownext' })).toBe('text');
    expect(detectFormat({ data: new Uint8Array(), filename: 'empty' })).toBe('text');
  });

  it('rejects unknown binary data as unsupported_format', () => {
    for (const input of [
      { data: PNG_BYTES, filename: 'image.png', contentType: 'image/png' },
      { data: PNG_BYTES, filename: 'upload' },
      { data: PNG_BYTES, filename: 'looks.txt' },
    ]) {
      let caught: unknown;
      try {
        detectFormat(input);
      } catch (error) {
        caught = error;
      }
      expect(DocumentExtractionError.isInstance(caught, 'unsupported_format')).toBe(true);
      expect((caught as Error).message).toContain(input.filename);
    }
  });

  it('rejects invalid UTF-8 without a declared text format but reads it as Windows-1252 when declared', () => {
    const latin1 = new Uint8Array([0x63, 0x61, 0x66, 0xe9]); // "café" in Windows-1252
    expect(() => detectFormat({ data: latin1, filename: 'upload' })).toThrow(DocumentExtractionError);
    expect(detectFormat({ data: latin1, filename: 'menu.txt' })).toBe('text');
  });

  it('maps content types and file names', () => {
    expect(formatFromContentType('APPLICATION/PDF')).toBe('pdf');
    expect(formatFromContentType('application/vnd.openxmlformats-officedocument.wordprocessingml.document')).toBe('docx');
    expect(formatFromContentType('image/png')).toBeUndefined();
    expect(formatFromContentType(undefined)).toBeUndefined();
    expect(formatFromFilename('dir/report.final.PDF')).toBe('pdf');
    expect(formatFromFilename('C:\\docs\\notes.markdown')).toBe('markdown');
    expect(formatFromFilename('.md')).toBeUndefined();
    expect(formatFromFilename('archive.tar.gz')).toBeUndefined();
    expect(formatFromFilename('constructor')).toBeUndefined();
    expect(formatFromFilename('x.constructor')).toBeUndefined();
  });
});
