import { describe, expect, it } from 'vitest';
import { htmlToText } from './html.js';

const MB = 1 << 20;
const repeatTo1MB = (unit: string) => unit.repeat(Math.ceil(MB / unit.length));

describe('htmlToText on malformed HTML', () => {
  it('drops a comment left open to the end of the page', () => {
    expect(htmlToText('<p>kept</p><!-- never closed <p>dropped</p>').text).toBe('kept');
  });

  it('keeps a stray < that starts no tag as text', () => {
    expect(htmlToText('<p>1 < 2 and 3 > 2</p><p>I <3 bees</p>').text).toBe('1 < 2 and 3 > 2\n\nI <3 bees');
  });

  it('drops a CDATA section, which is a comment in HTML content', () => {
    expect(htmlToText('<p>before<![CDATA[x > y]]>after</p>').text).toBe('beforeafter');
  });

  it('reads past a > inside a quoted attribute value', () => {
    expect(htmlToText(`<a title="x > y" data-q='<p>'>link</a> tail`).text).toBe('link tail');
  });

  it('drops a tag left open at the end of the page', () => {
    expect(htmlToText('<p>text</p><div class="x').text).toBe('text');
  });

  it('drops script content even when the script tag is written self-closing, as browsers do', () => {
    expect(htmlToText('<script src="a.js"/>var x = "<p>no</p>";</script><p>yes</p>').text).toBe('yes');
  });

  it('skips nested svg up to its own end tag, and nothing after a self-closed one', () => {
    expect(htmlToText('<svg><svg></svg><text>no</text></svg>yes<svg/> too').text).toBe('yes too');
  });

  it('decodes entities written without a semicolon and ones outside the common set', () => {
    expect(htmlToText('&copy 2024 &AMP; &#x1F41D; &frac12; &NotEqual;').text).toBe('© 2024 & 🐝 ½ ≠');
  });
});

describe('htmlToText on large adversarial input', () => {
  it.each([
    { name: 'run of unclosed <a<a<a tags', html: repeatTo1MB('<a'), text: '' },
    { name: 'deeply nested tags never closed', html: repeatTo1MB('<div><b>x'), text: 'x\n\nx\n\nx\n\n' },
    { name: 'deep nesting closed by end tags that match nothing', html: `${'<b>'.repeat(MB / 8)}z${'</i>'.repeat(MB / 8)}`, text: 'z' },
  ])('extracts a 1 MB $name in under a second', ({ html, text }) => {
    const started = performance.now();
    const doc = htmlToText(html);
    const ms = performance.now() - started;
    expect(doc.text.slice(0, 9)).toBe(text);
    expect(ms).toBeLessThan(1000);
  });
});
