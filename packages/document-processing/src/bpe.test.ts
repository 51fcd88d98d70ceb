import { Tiktoken } from 'js-tiktoken/lite';
import cl100kBase from 'js-tiktoken/ranks/cl100k_base';
import { describe, expect, it } from 'vitest';
import { BytePairEncoder } from './bpe.js';
import { seededRandom } from '@stack/core/testing';

// js-tiktoken's own encoder is the reference: ours must produce exactly its tokens.
const reference = new Tiktoken(cl100kBase);
const encoder = new BytePairEncoder(cl100kBase);
const referenceEncode = (text: string): number[] => reference.encode(text, [], []);

const fragments = [
  'the', ' quick', ' brown', 'Fox', "'s", "'LL", ' ', '  ', '\n', '\r\n', '\t', '\n\n  ', '12345', '3.14', '!!', '?', '...', ' —',
  'naïve', 'Ünïcödé', '中文文本处理', '日本語のテキスト', '한국어', 'Ελληνικά', 'русский', 'عربى', '🙂', '👩‍💻', '🇫🇷',
  '<|endoftext|>', '<|fim_prefix|>', 'function(x) { return x * 2; }', 'https://example.com/a?b=c', 'aaaaaaaaaaaaaaaa',
  'ACGTACGTACGTACGTACGTACGTACGT', 'SGVsbG8gV29ybGQhIFRoaXMgaXMgYmFzZTY0', '\u00a0', '\u200b', '\ud800', 'x\u0301',
];

describe('BytePairEncoder', () => {
  it('matches js-tiktoken on fixed samples', () => {
    const samples = [
      '',
      'Hello, world!',
      "It's a test — don't PANIC. We'll see; they've gone.",
      '   leading and trailing   ',
      'tabs\tand\nnewlines\r\n\r\n   indented',
      '我们的文档处理系统需要正确地处理中文文本。'.repeat(20),
      'x'.repeat(300),
      '🙂'.repeat(100),
      'The <|endoftext|> marker is plain text here.',
    ];
    for (const sample of samples) expect(encoder.encode(sample), JSON.stringify(sample.slice(0, 40))).toEqual(referenceEncode(sample));
  });

  it('matches js-tiktoken on random mixtures, including long pieces', () => {
    const next = seededRandom(42);
    for (let round = 0; round < 300; round++) {
      const count = 1 + Math.floor(next() * 40);
      let text = '';
      for (let i = 0; i < count; i++) {
        const fragment = fragments[Math.floor(next() * fragments.length)]!;
        text += next() < 0.1 ? fragment.repeat(1 + Math.floor(next() * 20)) : fragment;
      }
      expect(encoder.encode(text), JSON.stringify(text)).toEqual(referenceEncode(text));
    }
  });

  it('decodes back to the original text', () => {
    const text = 'Mixed: naïve 中文 🙂 <|endoftext|>\r\n\ttabs';
    const tokens = encoder.encode(text);
    expect(encoder.decode(tokens)).toBe(text);
    expect(reference.decode(tokens)).toBe(text);
  });

  it('decodes a window of tokens', () => {
    const tokens = encoder.encode('alpha beta gamma delta');
    expect(encoder.decode(tokens, 1, 3)).toBe(' beta gamma');
    expect(() => encoder.decode([999_999])).toThrow(RangeError);
  });

  it('encodes a single very long piece without quadratic blow-up', () => {
    const piece = 'ACGT'.repeat(50_000);
    const tokens = encoder.encode(piece);
    expect(encoder.decode(tokens)).toBe(piece);
    expect(encoder.encode('ACGT'.repeat(250))).toEqual(referenceEncode('ACGT'.repeat(250)));
  });
});
