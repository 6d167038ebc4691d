import type { ExtractedText } from './extract.js';

/** A piece of a document, small enough to embed and to quote. */
export interface Chunk {
  /** 0-based order within the document. */
  readonly position: number;
  /** Headings the chunk sits under, outermost first. */
  readonly heading: readonly string[];
  /** `text === source.slice(start, end)`. */
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/** Chunk size and overlap, in characters. */
export interface ChunkOptions {
  readonly size?: number;
  readonly overlap?: number;
}

/** Defaults of {@link chunkText}. */
export const CHUNK_DEFAULTS = { size: 1000, overlap: 150 } as const;

/**
 * Cuts extracted text into chunks that never cross a heading: each section (a heading and the
 * text up to the next heading) is cut into pieces of at most `size` characters, ending at a
 * paragraph, line, sentence or word break where one falls in the second half of the piece;
 * consecutive pieces of a section share about `overlap` characters so a sentence cut at a
 * boundary is still whole in one of them. A heading with no text of its own (directly followed
 * by a sub-heading) joins the next section rather than making a chunk of one line. Page
 * starts (PDF) end sections too, so each chunk lies on one page.
 * @example chunkText(markdownText('# A\n\ntext'), { size: 500, overlap: 50 })
 */
export function chunkText(doc: ExtractedText, options: ChunkOptions = {}): Chunk[] {
  const size = options.size ?? CHUNK_DEFAULTS.size;
  const overlap = options.overlap ?? CHUNK_DEFAULTS.overlap;
  if (!Number.isInteger(size) || size < 20) throw new RangeError(`chunk size must be an integer of at least 20, not ${size}`);
  if (!Number.isInteger(overlap) || overlap < 0 || overlap >= size / 2) throw new RangeError(`chunk overlap must be an integer from 0 to less than half the size (${size}), not ${overlap}`);
  const { text } = doc;
  const chunks: Chunk[] = [];
  for (const section of sections(doc)) {
    for (const [start, end] of pieces(text, section.start, section.end, size, overlap)) {
      chunks.push({ position: chunks.length, heading: section.path, start, end, text: text.slice(start, end) });
    }
  }
  return chunks;
}

interface Section {
  start: number;
  end: number;
  path: readonly string[];
}

/** Splits the text at its headings; each section carries the path of headings above it. */
function sections(doc: ExtractedText): Section[] {
  const { text } = doc;
  const headings = [...doc.headings].filter((h) => h.start >= 0 && h.start < text.length).sort((a, b) => a.start - b.start);
  const out: Section[] = [];
  const stack: { level: number; title: string }[] = [];
  if (headings.length === 0 || headings[0]!.start > 0) out.push({ start: 0, end: headings[0]?.start ?? text.length, path: [] });
  headings.forEach((h, i) => {
    while (stack.length > 0 && stack.at(-1)!.level >= h.level) stack.pop();
    stack.push({ level: h.level, title: h.title });
    out.push({ start: h.start, end: headings[i + 1]?.start ?? text.length, path: stack.map((s) => s.title) });
  });
  const merged: Section[] = [];
  let carry: number | undefined;
  out.forEach((s, i) => {
    const start = carry ?? s.start;
    carry = undefined;
    const lineEnd = text.indexOf('\n', s.start);
    const body = lineEnd < 0 || lineEnd >= s.end ? '' : text.slice(lineEnd, s.end);
    // Only a heading line (or nothing): let the next section start here instead.
    if (body.trim() === '' && s.path.length > 0 && i < out.length - 1) carry = start;
    else if (text.slice(start, s.end).trim() !== '') merged.push({ start, end: s.end, path: s.path });
  });
  // Pages end sections too, so a chunk cites one page.
  const pages = (doc.pages ?? []).filter((p) => p > 0);
  return merged.flatMap((s) => {
    const cuts = [s.start, ...pages.filter((p) => p > s.start && p < s.end), s.end];
    return cuts.slice(1).map((end, i) => ({ start: cuts[i]!, end, path: s.path })).filter((p) => text.slice(p.start, p.end).trim() !== '');
  });
}

/** Character ranges of the pieces of `text[from, to)`, trimmed of surrounding whitespace. */
function pieces(text: string, from: number, to: number, size: number, overlap: number): [number, number][] {
  const out: [number, number][] = [];
  let pos = skipSpace(text, from, to);
  while (pos < to) {
    let end = Math.min(to, pos + size);
    if (end < to) end = breakBefore(text, pos + Math.floor(size / 2), end);
    const [s, e] = trim(text, pos, end);
    if (e > s) out.push([s, e]);
    if (end >= to) break;
    let next = Math.max(end - overlap, pos + 1);
    // Start the overlap at a word, not inside one.
    while (next < end && !/\s/.test(text[next - 1]!)) next++;
    pos = skipSpace(text, next, to);
  }
  return out;
}

/** The best place to end a piece in `[min, max]`: after a paragraph, line, sentence or word. */
function breakBefore(text: string, min: number, max: number): number {
  const window = text.slice(min, max);
  for (const re of [/\n[ \t]*\n/g, /\n/g, /[.!?。](?=\s)/g, /\s/g]) {
    let last = -1;
    for (let m = re.exec(window); m; m = re.exec(window)) last = m.index + m[0].length;
    if (last > 0) return min + last;
  }
  return max;
}

function skipSpace(text: string, pos: number, to: number): number {
  while (pos < to && /\s/.test(text[pos]!)) pos++;
  return pos;
}

function trim(text: string, start: number, end: number): [number, number] {
  start = skipSpace(text, start, end);
  while (end > start && /\s/.test(text[end - 1]!)) end--;
  return [start, end];
}
