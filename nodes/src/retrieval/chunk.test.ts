import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chunkText } from './chunk.js';
import { markdownText, plainText } from './extract.js';

const para = (word: string, n: number) => Array.from({ length: n }, (_, i) => `${word}${i}`).join(' ') + '.';

describe('chunkText', () => {
  it('never crosses a heading and gives each chunk its heading path', () => {
    const md = `# Guide\n\nIntro text.\n\n## Install\n\n${para('install', 60)}\n\n### Linux\n\nUse apt.\n\n## Use\n\nRun it.`;
    const doc = markdownText(md);
    const chunks = chunkText(doc, { size: 200, overlap: 20 });
    for (const c of chunks) {
      expect(c.text).toBe(doc.text.slice(c.start, c.end));
      const inside = doc.headings.filter((h) => h.start > c.start && h.start < c.end);
      expect(inside).toEqual([]);
    }
    expect(chunks.map((c) => c.heading.join(' > '))).toEqual([
      'Guide',
      ...chunks.filter((c) => c.text.includes('install')).map(() => 'Guide > Install'),
      'Guide > Install > Linux',
      'Guide > Use',
    ]);
    expect(chunks.map((c) => c.position)).toEqual(chunks.map((_, i) => i));
  });

  it('keeps chunks within the size and overlaps consecutive chunks of a section', () => {
    const doc = plainText(`${para('alpha', 80)}\n\n${para('beta', 80)}`);
    const chunks = chunkText(doc, { size: 300, overlap: 60 });
    expect(chunks.length).toBeGreaterThan(4);
    for (const c of chunks) expect(c.end - c.start).toBeLessThanOrEqual(300);
    for (let i = 1; i < chunks.length; i++) {
      const [a, b] = [chunks[i - 1]!, chunks[i]!];
      // Overlap, or a paragraph break between them (where the cut fell on the break itself).
      expect(b.start < a.end || /^\s+$/.test(doc.text.slice(a.end, b.start))).toBe(true);
      expect(b.start).toBeGreaterThan(a.start);
    }
    expect(chunks.some((c, i) => i > 0 && c.start < chunks[i - 1]!.end)).toBe(true);
  });

  it('ends chunks at paragraph breaks and starts them at words', () => {
    const doc = plainText(`${para('one', 28)}\n\n${para('two', 28)}\n\n${para('three', 28)}`);
    const chunks = chunkText(doc, { size: 250, overlap: 0 });
    expect(chunks.map((c) => c.text.slice(0, 4))).toEqual(['one0', 'two0', 'thre']);
    for (const c of chunks) expect(c.text).toMatch(/\.$/);
  });

  it('folds a heading with no text of its own into the next section', () => {
    const doc = markdownText('# Book\n\n## Chapter\n\nWords here.');
    expect(chunkText(doc)).toEqual([{ position: 0, heading: ['Book', 'Chapter'], start: 0, end: doc.text.length, text: doc.text }]);
  });

  it('never crosses a page', () => {
    const text = `${para('first', 10)}\n\n${para('second', 10)}`;
    const pages = [0, text.indexOf('second0')];
    const chunks = chunkText({ text, headings: [], pages }, { size: 1000, overlap: 0 });
    expect(chunks.map((c) => [c.start, c.text.slice(0, 6)])).toEqual([[0, 'first0'], [pages[1], 'second']]);
  });

  it('gives no chunks for blank text and refuses bad sizes', () => {
    expect(chunkText(plainText(' \n\n  '))).toEqual([]);
    expect(() => chunkText(plainText('x'), { size: 10 })).toThrow(RangeError);
    expect(() => chunkText(plainText('x'), { size: 100, overlap: 50 })).toThrow(RangeError);
  });

  it('covers every word of any text, each chunk a trimmed slice within the size', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom('\n', '\n\n', ' ', '. ', '# H\n'), fc.stringMatching(/^[a-z]{1,12}$/)), { maxLength: 300 }), fc.integer({ min: 20, max: 200 }), (parts, size) => {
        const doc = markdownText(parts.join(''));
        const chunks = chunkText(doc, { size, overlap: Math.floor(size / 4) });
        const covered = new Array<boolean>(doc.text.length).fill(false);
        for (const c of chunks) {
          expect(c.text).toBe(doc.text.slice(c.start, c.end));
          expect(c.text).toBe(c.text.trim());
          expect(c.end - c.start).toBeLessThanOrEqual(size);
          for (let i = c.start; i < c.end; i++) covered[i] = true;
        }
        for (let i = 0; i < doc.text.length; i++) if (!/\s/.test(doc.text[i]!)) expect(covered[i]).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
