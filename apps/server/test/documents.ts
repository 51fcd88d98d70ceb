import { Document, Packer, Paragraph } from 'docx';
import { PDFDocument, StandardFonts } from 'pdf-lib';

/** Real documents on distinct topics, in every format ingestion reads. */
export interface TestDocument {
  filename: string;
  topic: string;
  /** A question whose answer is in this document and no other. */
  question: string;
  data: Uint8Array;
}

const photosynthesis = `# Photosynthesis

Green plants capture sunlight with chlorophyll in their leaves. Using that light energy they turn
carbon dioxide from the air and water from the soil into glucose, a sugar the plant uses as food,
and release oxygen as a by-product. This process happens inside chloroplasts.
`;

const revolution = `<!doctype html><html><head><title>History notes</title><style>body{color:red}</style></head>
<body><h1>The French Revolution</h1>
<p>In July 1789 an angry crowd in Paris stormed the Bastille, a royal fortress and prison.</p>
<p>The revolution abolished the monarchy, executed King Louis XVI and proclaimed a republic.</p>
<script>console.log('not part of the text')</script></body></html>`;

const bread = `Baking bread at home

Mix flour, water, salt and yeast into a dough and knead it for ten minutes. Let it rise until it
doubles, shape the loaf, and bake it in a hot oven until the crust is golden brown.
`;

async function volcanoPdf(): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const lines = [
    'Volcanoes',
    'A volcano is an opening in the crust of the Earth where molten rock, called magma,',
    'rises from below. When pressure builds up the volcano erupts, pouring out lava, ash',
    'and gases. Mount Vesuvius buried the Roman town of Pompeii in the year 79.',
  ];
  const page = pdf.addPage([612, 792]);
  lines.forEach((line, index) => page.drawText(line, { x: 50, y: 740 - index * 20, size: 11, font }));
  return pdf.save();
}

async function basketballDocx(): Promise<Uint8Array> {
  const document = new Document({
    sections: [
      {
        children: [
          new Paragraph('Basketball'),
          new Paragraph('Basketball is played by two teams of five players on a rectangular court.'),
          new Paragraph('A team scores points by shooting the ball through the opposing hoop; a shot from beyond the arc counts three points.'),
        ],
      },
    ],
  });
  return new Uint8Array(await Packer.toBuffer(document));
}

export async function testDocuments(): Promise<TestDocument[]> {
  const encode = (text: string) => new TextEncoder().encode(text);
  return [
    { filename: 'photosynthesis.md', topic: 'plants', question: 'How do plants make their food from light?', data: encode(photosynthesis) },
    { filename: 'revolution.html', topic: 'history', question: 'Who stormed the Bastille prison in Paris?', data: encode(revolution) },
    { filename: 'bread.txt', topic: 'cooking', question: 'How long should I knead dough for a loaf?', data: encode(bread) },
    { filename: 'volcanoes.pdf', topic: 'geology', question: 'What happens when magma erupts from a mountain?', data: await volcanoPdf() },
    { filename: 'basketball.docx', topic: 'sport', question: 'How many players does each team have on the court?', data: await basketballDocx() },
  ];
}
