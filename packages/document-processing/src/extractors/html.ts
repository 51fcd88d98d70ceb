import { Parser } from 'htmlparser2';

/** Elements whose content is never shown. */
const hiddenElements = new Set(['script', 'style', 'head', 'template', 'noscript', 'title']);

/** Block elements separated from their surroundings by a blank line. */
const paragraphElements = new Set([
  'p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'pre', 'table', 'ul', 'ol', 'dl',
  'section', 'article', 'header', 'footer', 'aside', 'nav', 'main', 'figure', 'hr', 'form', 'fieldset', 'details',
]);

/** Block elements that start on a new line. */
const lineElements = new Set([
  'div', 'li', 'tr', 'dt', 'dd', 'address', 'figcaption', 'caption', 'summary', 'hgroup', 'dialog',
  'legend', 'option', 'body', 'html', 'center', 'menu',
]);

/** Elements whose whitespace is kept as written. */
const preformattedElements = new Set(['pre', 'textarea', 'listing', 'plaintext', 'xmp']);

const cellElements = new Set(['td', 'th']);

/**
 * The visible text of an HTML document: hidden elements (script, style, head, ...) dropped,
 * entities decoded, whitespace collapsed as a browser would, block elements on their own lines
 * (paragraph-like blocks separated by a blank line), table cells separated by tabs and
 * preformatted text kept verbatim.
 */
export function htmlToText(html: string): string {
  const out: string[] = [];
  /** Newlines owed before the next text: 0, 1 or 2. */
  let pendingBreak = 0;
  /** Whether the output currently ends at the start of a line (or is empty). */
  let atLineStart = true;
  /** Whether the output currently ends in collapsible whitespace. */
  let endsInSpace = true;
  let hiddenDepth = 0;
  let preDepth = 0;

  const requestBreak = (lines: number): void => {
    if (out.length > 0) pendingBreak = Math.max(pendingBreak, lines);
  };
  const write = (text: string): void => {
    if (text.length === 0) return;
    if (pendingBreak > 0) {
      out.push('\n'.repeat(pendingBreak));
      pendingBreak = 0;
      atLineStart = true;
      endsInSpace = true;
    }
    out.push(text);
    const last = text[text.length - 1];
    atLineStart = last === '\n';
    endsInSpace = last === ' ' || last === '\t' || last === '\n';
  };

  const parser = new Parser(
    {
      onopentag(name) {
        if (hiddenElements.has(name)) hiddenDepth++;
        if (hiddenDepth > 0) return;
        if (preformattedElements.has(name)) preDepth++;
        if (name === 'br') {
          if (pendingBreak === 0) write('\n');
          else pendingBreak++;
        } else if (paragraphElements.has(name)) requestBreak(2);
        else if (lineElements.has(name)) requestBreak(1);
      },
      onclosetag(name) {
        if (hiddenElements.has(name)) {
          hiddenDepth = Math.max(0, hiddenDepth - 1);
          return;
        }
        if (hiddenDepth > 0) return;
        if (preformattedElements.has(name)) preDepth = Math.max(0, preDepth - 1);
        if (paragraphElements.has(name)) requestBreak(2);
        else if (lineElements.has(name)) requestBreak(1);
        else if (cellElements.has(name) && !atLineStart && pendingBreak === 0) write('\t');
      },
      ontext(raw) {
        if (hiddenDepth > 0) return;
        if (preDepth > 0) {
          write(raw.replace(/\u00a0/g, ' '));
          return;
        }
        let text = raw.replace(/[ \t\n\f\r]+/g, ' ');
        if ((endsInSpace || pendingBreak > 0) && text.startsWith(' ')) text = text.slice(1);
        write(text.replace(/\u00a0/g, ' '));
      },
    },
    { decodeEntities: true, lowerCaseTags: true, recognizeSelfClosing: true },
  );
  parser.write(html);
  parser.end();

  return out
    .join('')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
