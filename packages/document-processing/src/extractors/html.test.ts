import { describe, expect, it } from 'vitest';
import { htmlToText } from './html.js';

describe('htmlToText', () => {
  it('drops script, style, head, template and noscript contents', () => {
    const html = `<head><meta charset="utf-8"><title>T</title><script>x()</script></head>
      <body><style>.a{}</style>Visible<script type="module">import "y";</script> text<template><p>tpl</p></template><noscript>ns</noscript></body>`;
    expect(htmlToText(html)).toBe('Visible text');
  });

  it('keeps the body of a document whose head is never closed', () => {
    expect(htmlToText('<html><head><title>T</title><body><p>Body text</p></body></html>')).toBe('Body text');
  });

  it('puts block elements on their own lines and collapses whitespace', () => {
    const html = '<div>  one\n   two </div><div>three<br>four<br/>five</div><ul><li>a</li><li> b </li></ul><p>para</p>end';
    expect(htmlToText(html)).toBe('one two\nthree\nfour\nfive\n\na\nb\n\npara\n\nend');
  });

  it('keeps inline elements inline and decodes entities', () => {
    expect(htmlToText('<p>a<b>b</b> <i>c</i>&nbsp;&copy;&#x41;&#66; &quot;q&quot; &amp;amp;</p>')).toBe('ab c ©AB "q" &amp;');
  });

  it('separates table cells with tabs and rows with lines', () => {
    const html = '<table><tr><th>Name</th><th>Age</th></tr><tr><td>Ada</td><td>36</td></tr></table><p>after</p>';
    expect(htmlToText(html)).toBe('Name\tAge\nAda\t36\n\nafter');
  });

  it('keeps preformatted whitespace', () => {
    expect(htmlToText('<p>x</p><pre>line 1\n  indented\n</pre><p>y</p>')).toBe('x\n\nline 1\n  indented\n\ny');
  });

  it('returns empty text for markup without visible text', () => {
    expect(htmlToText('<html><head><title>only</title></head><body> <br> </body></html>')).toBe('');
  });
});
