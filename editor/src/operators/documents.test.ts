import { describe, expect, it } from 'vitest';
import { documentField, readDocument, toBase64 } from './documents';

const file = (name: string, content: string) => ({
  name,
  text: () => Promise.resolve(content),
  arrayBuffer: () => Promise.resolve(new TextEncoder().encode(content).buffer as ArrayBuffer),
});

describe('documents', () => {
  it('sends each kind of file in its own field', () => {
    expect(documentField('notes.TXT')).toBe('text');
    expect(documentField('README.md')).toBe('markdown');
    expect(documentField('page.html')).toBe('html');
    expect(documentField('paper.pdf')).toBe('pdfBase64');
    expect(documentField('photo.png')).toBeNull();
    expect(documentField('noextension')).toBeNull();
  });

  it('encodes bytes as base64 across slice boundaries', () => {
    const bytes = new Uint8Array(70_000).map((_, i) => i % 256);
    expect(toBase64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
  });

  it('reads text files as text and PDFs as base64, titled by the file name', async () => {
    expect(await readDocument(file('guide.md', '# Hi'))).toEqual({ title: 'guide', source: 'guide.md', markdown: '# Hi' });
    expect(await readDocument(file('a.pdf', '%PDF'))).toEqual({ title: 'a', source: 'a.pdf', pdfBase64: Buffer.from('%PDF').toString('base64') });
    await expect(readDocument(file('x.docx', ''))).rejects.toThrow('only .txt');
  });
});
