import { describe, expect, it } from 'vitest';
import { makeDocx, makePasswordProtectedPdf, makePdf, PNG_BYTES, utf8 } from '../test/fixtures.js';
import { DocumentExtractionError, type DocumentExtractionErrorCode } from './errors.js';
import { extractText } from './extract.js';
import type { ExtractInput } from './format.js';

async function expectExtractionError(input: ExtractInput, code: DocumentExtractionErrorCode): Promise<DocumentExtractionError> {
  const error: unknown = await extractText(input).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(DocumentExtractionError);
  expect((error as DocumentExtractionError).code).toBe(code);
  return error as DocumentExtractionError;
}

describe('extractText', () => {
  it('returns plain text and Markdown as written, without BOM and with LF line endings', async () => {
    const text = await extractText({ data: utf8('\uFEFFline one\r\nline two\rline three\n'), filename: 'a.txt' });
    expect(text).toEqual({ format: 'text', text: 'line one\nline two\nline three\n' });
    const markdown = await extractText({ data: utf8('# Title\r\n\r\n- *item*\r\n'), filename: 'doc.md' });
    expect(markdown).toEqual({ format: 'markdown', text: '# Title\n\n- *item*\n' });
  });

  it('decodes UTF-16 text with a byte-order mark', async () => {
    const body = 'héllo wörld';
    const data = new Uint8Array(2 + body.length * 2);
    data.set([0xff, 0xfe]);
    for (let i = 0; i < body.length; i++) data.set([body.charCodeAt(i) & 0xff, body.charCodeAt(i) >> 8], 2 + i * 2);
    expect(await extractText({ data, filename: 'wide.txt' })).toEqual({ format: 'text', text: body });
  });

  it('reads declared text that is not UTF-8 as Windows-1252', async () => {
    const data = new Uint8Array([0x63, 0x61, 0x66, 0xe9, 0x20, 0x80]);
    expect((await extractText({ data, filename: 'menu.txt' })).text).toBe('café €');
  });

  it('returns empty text for a document without text', async () => {
    expect(await extractText({ data: utf8('  \n\t '), filename: 'blank.txt' })).toEqual({ format: 'text', text: '  \n\t ' });
    expect(await extractText({ data: utf8(''), filename: 'empty.json' })).toEqual({ format: 'json', text: '' });
    expect(await extractText({ data: await makePdf([[]]), filename: 'blank.pdf' })).toEqual({ format: 'pdf', text: '' });
  });

  it('extracts the visible text of HTML', async () => {
    const html = `<!doctype html><html><head><title>Hidden title</title><style>p { color: red }</style>
      <script>var secret = "do not index";</script></head>
      <body><h1>Heading &amp; more</h1><p>First   paragraph
      with <b>bold</b> text.</p><script>alert(1)</script><div>Caf&eacute; &lt;ok&gt;</div></body></html>`;
    const result = await extractText({ data: utf8(html), filename: 'page.html' });
    expect(result).toEqual({ format: 'html', text: 'Heading & more\n\nFirst paragraph with bold text.\n\nCafé <ok>' });
  });

  it('pretty-prints JSON and rejects invalid JSON as corrupt_document', async () => {
    const result = await extractText({ data: utf8('{"name":"Ada","tags":["a","b"],"n":1}'), filename: 'data.json' });
    expect(result).toEqual({ format: 'json', text: '{\n  "name": "Ada",\n  "tags": [\n    "a",\n    "b"\n  ],\n  "n": 1\n}' });
    const error = await expectExtractionError({ data: utf8('{"name": '), filename: 'broken.json' }, 'corrupt_document');
    expect(error.message).toContain('broken.json');
  });

  it('keeps CSV rows as lines', async () => {
    const result = await extractText({ data: utf8('name,age\r\nAda,36\r\n"Lovelace, A",37\r\n'), filename: 'people.csv' });
    expect(result).toEqual({ format: 'csv', text: 'name,age\nAda,36\n"Lovelace, A",37\n' });
  });

  it('extracts every page of a PDF in order, pages separated by a blank line', async () => {
    const data = await makePdf([
      ['The quick brown fox jumps over the lazy dog.', 'Second line of the first page.'],
      ['Page two starts here.', 'It ends with this sentence.'],
    ]);
    const result = await extractText({ data, filename: 'report.pdf', contentType: 'application/pdf' });
    expect(result.format).toBe('pdf');
    expect(result.text).toBe(
      'The quick brown fox jumps over the lazy dog.\nSecond line of the first page.\n\nPage two starts here.\nIt ends with this sentence.',
    );
  });

  it('does not detach or alter the caller’s PDF bytes', async () => {
    const data = await makePdf([['Keep my bytes.']]);
    const copy = data.slice();
    await extractText({ data, filename: 'a.pdf' });
    await extractText({ data, filename: 'a.pdf' });
    expect(data).toEqual(copy);
  });

  it('extracts the text of a DOCX', async () => {
    const data = await makeDocx(['Quarterly report for the board.', 'Revenue grew by 12 percent.']);
    const result = await extractText({ data, filename: 'report.docx' });
    expect(result).toEqual({ format: 'docx', text: 'Quarterly report for the board.\n\nRevenue grew by 12 percent.' });
  });

  it('rejects a corrupt PDF as corrupt_document', async () => {
    const error = await expectExtractionError({ data: utf8('%PDF-1.7\nthis is not really a pdf'), filename: 'bad.pdf' }, 'corrupt_document');
    expect(error.message).toContain('bad.pdf');
    const truncated = (await makePdf([['Hello']])).slice(0, 200);
    await expectExtractionError({ data: truncated, filename: 'cut.pdf' }, 'corrupt_document');
  });

  it('rejects a password-protected PDF as corrupt_document', async () => {
    const error = await expectExtractionError({ data: await makePasswordProtectedPdf(), filename: 'locked.pdf' }, 'corrupt_document');
    expect(error.message).toContain('encrypted');
  });

  it('rejects a corrupt DOCX as corrupt_document', async () => {
    const docx = await makeDocx(['Hello']);
    await expectExtractionError({ data: docx.slice(0, docx.length >> 1), filename: 'cut.docx' }, 'corrupt_document');
    await expectExtractionError({ data: PNG_BYTES, filename: 'image.docx' }, 'corrupt_document');
  });

  it('rejects unsupported binary data as unsupported_format', async () => {
    await expectExtractionError({ data: PNG_BYTES, filename: 'photo.png', contentType: 'image/png' }, 'unsupported_format');
  });
});
