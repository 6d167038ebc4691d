import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { extractDocument, markdownText, plainText } from './extract.js';
import { htmlToText } from './html.js';

const pdf = readFileSync(new URL('./fixtures/tide-notes.pdf', import.meta.url));

describe('markdown extraction', () => {
  it('keeps the source as text and finds ATX and setext headings at their lines', () => {
    const md = '# Tides\r\n\r\nIntro.\r\n\r\n## Spring tides ##\r\nBig range.\r\n\r\nNeap tides\r\n----------\r\nSmall range.\r\n';
    const doc = markdownText(md);
    expect(doc.text).toBe(md.replace(/\r\n/g, '\n'));
    expect(doc.headings.map((h) => [h.level, h.title])).toEqual([
      [1, 'Tides'],
      [2, 'Spring tides'],
      [2, 'Neap tides'],
    ]);
    for (const h of doc.headings) expect(doc.text.slice(h.start)).toMatch(new RegExp(`^#* *${h.title}`));
    expect(doc.title).toBe('Tides');
  });

  it('does not take # lines in fenced code for headings', () => {
    const doc = markdownText('# Script\n\n```sh\n# not a heading\necho hi\n```\n\n## Real\ntext');
    expect(doc.headings.map((h) => h.title)).toEqual(['Script', 'Real']);
  });
});

describe('HTML extraction', () => {
  const html = `<!doctype html><html><head><title>Bees &amp; honey</title>
    <style>.x { color: red }</style><script>var secret = "<h1>not me</h1>";</script></head>
    <body><h1>Bees</h1><p>Workers gather&nbsp;nectar &lt;and&gt; pollen.</p><!-- a comment -->
    <h2>The <em>waggle</em> dance</h2><ul><li>angle: direction</li><li>length: distance</li></ul>
    <noscript>enable JS</noscript><p>Caf&eacute; &#8212; &#x263A;</p></body></html>`;
  const doc = htmlToText(html);

  it('drops script, style, noscript and comments', () => {
    expect(doc.text).not.toMatch(/secret|color|enable JS|comment|not me/);
  });

  it('keeps headings with their positions and the page title apart', () => {
    expect(doc.title).toBe('Bees & honey');
    expect(doc.headings).toEqual([
      { level: 1, title: 'Bees', start: doc.text.indexOf('Bees') },
      { level: 2, title: 'The waggle dance', start: doc.text.indexOf('The waggle dance') },
    ]);
  });

  it('puts blocks on their own lines and decodes entities', () => {
    expect(doc.text).toBe('Bees\n\nWorkers gather nectar <and> pollen.\n\nThe waggle dance\n\nangle: direction\nlength: distance\n\nCafé — ☺');
  });

  it('keeps preformatted text as written', () => {
    expect(htmlToText('<p>a</p><pre>x  =  1\n  y</pre>').text).toBe('a\n\nx  =  1\n  y');
  });
});

describe('PDF extraction', () => {
  it('reads the text of every page, where each page starts, and the title', async () => {
    const doc = await extractDocument({ pdfBase64: pdf.toString('base64'), metadata: {} });
    expect(doc.text).toBe('Tides rise and fall twice a day.\nThe Moon pulls the nearest ocean hardest.\n\nSpring tides follow the new and full moon.');
    expect(doc.pages).toEqual([0, doc.text.indexOf('Spring')]);
    expect(doc.title).toBe('Tide notes');
  });

  it('refuses bytes that are not a PDF, and a broken PDF, for good', async () => {
    await expect(extractDocument({ title: 'x', pdfBase64: Buffer.from('hello world').toString('base64'), metadata: {} })).rejects.toMatchObject({ type: 'InvalidDocument', retryable: false });
    const broken = Buffer.concat([pdf.subarray(0, 40), Buffer.from('garbage')]).toString('base64');
    await expect(extractDocument({ pdfBase64: broken, metadata: {} })).rejects.toMatchObject({ type: 'InvalidDocument', retryable: false });
  });
});

describe('plain text extraction', () => {
  it('normalises line ends and finds no headings', () => {
    expect(plainText('a\r\nb\rc')).toEqual({ text: 'a\nb\nc', headings: [] });
  });
});
