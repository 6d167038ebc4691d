import { NodeError } from '../context.js';
import { htmlToText } from './html.js';
import { pdfToText } from './pdf.js';
import type { DocumentInput } from './schemas.js';

/** A heading found in extracted text: its level (1 = top) and where its line starts. */
export interface Heading {
  readonly level: number;
  readonly title: string;
  readonly start: number;
}

/** A document's text as it is indexed; chunk positions refer to `text`. */
export interface ExtractedText {
  readonly text: string;
  /** In order of `start`. */
  readonly headings: readonly Heading[];
  /** A title found in the document itself (HTML `<title>`, first Markdown `#`, PDF info). */
  readonly title?: string;
  /** Where each page starts in `text` (PDF only), first page at 0. */
  readonly pages?: readonly number[];
}

/** Plain text: line ends normalised, no headings. */
export function plainText(text: string): ExtractedText {
  return { text: normaliseNewlines(text), headings: [] };
}

/**
 * Markdown kept as written (so positions match the source), with its ATX (`## x`) and setext
 * (underlined) headings; `#` lines inside fenced code are not headings.
 */
export function markdownText(markdown: string): ExtractedText {
  const text = normaliseNewlines(markdown);
  const headings: Heading[] = [];
  let fence: string | undefined;
  let offset = 0;
  let previous: { start: number; line: string } | undefined;
  for (const line of text.split('\n')) {
    const start = offset;
    offset += line.length + 1;
    const fenceMark = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fenceMark) {
      if (!fence) fence = fenceMark;
      else if (fenceMark[0] === fence[0] && fenceMark.length >= fence.length) fence = undefined;
      previous = undefined;
      continue;
    }
    if (fence) continue;
    const atx = /^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/.exec(line) ?? /^ {0,3}(#{1,6})$/.exec(line);
    if (atx) {
      const title = (atx[2] ?? '').trim();
      if (title) headings.push({ level: atx[1]!.length, title, start });
      previous = undefined;
      continue;
    }
    const setext = /^ {0,3}(=+|-+)[ \t]*$/.exec(line)?.[1];
    if (setext && previous && previous.line.trim() !== '') {
      headings.push({ level: setext[0] === '=' ? 1 : 2, title: previous.line.trim(), start: previous.start });
      previous = undefined;
      continue;
    }
    previous = { start, line };
  }
  const first = headings.find((h) => h.level === 1);
  return { text, headings, ...(first ? { title: first.title } : {}) };
}

/** Extracts the text of one input document, whichever form it came in. */
export async function extractDocument(doc: DocumentInput): Promise<ExtractedText> {
  if (doc.text !== undefined) return plainText(doc.text);
  if (doc.markdown !== undefined) return markdownText(doc.markdown);
  if (doc.html !== undefined) return htmlToText(doc.html);
  if (doc.pdfBase64 !== undefined) {
    const bytes = Buffer.from(doc.pdfBase64, 'base64');
    if (bytes.length < 8 || bytes.subarray(0, 5).toString('latin1') !== '%PDF-') {
      throw new NodeError('InvalidDocument', `${describe(doc)}: pdfBase64 is not a base64-encoded PDF`, false);
    }
    return pdfToText(bytes);
  }
  throw new NodeError('InvalidDocument', `${describe(doc)}: give one of text, markdown, html, pdfBase64`, false);
}

/** How errors name a document. */
export function describe(doc: Pick<DocumentInput, 'title' | 'source'>): string {
  return doc.title ? `document "${doc.title}"` : doc.source ? `document from ${doc.source}` : 'a document';
}

function normaliseNewlines(s: string): string {
  return s.replace(/\r\n?/g, '\n');
}
