import { Document, Packer, Paragraph, TextRun } from 'docx';
import { PDFDocument, StandardFonts } from 'pdf-lib';

/** A real PDF with one page per entry, each line drawn with Helvetica. */
export async function makePdf(pages: readonly (readonly string[])[]): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (const lines of pages) {
    const page = pdf.addPage([612, 792]);
    lines.forEach((line, i) => page.drawText(line, { x: 72, y: 700 - i * 24, size: 12, font }));
  }
  return pdf.save();
}

/**
 * A PDF whose trailer declares standard (RC4) encryption with a user password that the empty
 * password does not open, so readers must ask for the password.
 */
export async function makePasswordProtectedPdf(): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  pdf.addPage().drawText('Secret.', { x: 72, y: 700, size: 12, font });
  const source = Buffer.from(await pdf.save({ useObjectStreams: false })).toString('latin1');
  const key = 'ab'.repeat(32);
  const id = '01'.repeat(16);
  const encrypted = source.replace(
    /trailer\n<<([\s\S]*?)>>/,
    (_match, body: string) => `trailer\n<<${body}/Encrypt << /Filter /Standard /V 1 /R 2 /O <${key}> /U <${key}> /P -4 >>\n/ID [<${id}> <${id}>]\n>>`,
  );
  if (encrypted === source) throw new Error('pdf-lib output has no classic trailer to patch.');
  return new Uint8Array(Buffer.from(encrypted, 'latin1'));
}

/** A real DOCX with one paragraph per entry; `bold` words go in a separate bold run. */
export async function makeDocx(paragraphs: readonly string[]): Promise<Uint8Array> {
  const document = new Document({
    sections: [
      {
        children: paragraphs.map((text) => {
          const [first, ...rest] = text.split(' ');
          return new Paragraph({ children: [new TextRun({ text: first!, bold: true }), new TextRun(rest.length > 0 ? ` ${rest.join(' ')}` : '')] });
        }),
      },
    ],
  });
  return new Uint8Array(await Packer.toBuffer(document));
}

/** The first bytes of a PNG image (signature and an IHDR chunk). */
export const PNG_BYTES = new Uint8Array([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
  0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4, 0x89,
]);

export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
