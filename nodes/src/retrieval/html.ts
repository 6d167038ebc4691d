import { Tokenizer, type TokenizerCallbacks } from 'htmlparser2';
import type { ExtractedText, Heading } from './extract.js';

/** Elements whose content is never text a reader sees. */
const SKIPPED = new Set([
  'script', 'style', 'noscript', 'template', 'svg', 'math', 'iframe', 'object', 'canvas', 'select', 'noembed', 'noframes',
]);
/** Elements where `<x/>` means an empty element; on HTML elements browsers ignore the slash. */
const FOREIGN = new Set(['svg', 'math']);
/** Elements that start a paragraph. */
const PARAGRAPH = new Set([
  'p', 'div', 'section', 'article', 'header', 'footer', 'main', 'nav', 'aside', 'blockquote', 'pre', 'table', 'ul', 'ol', 'dl',
  'figure', 'figcaption', 'form', 'fieldset', 'address', 'details', 'summary', 'hr', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6',
]);
/** Elements that start a line. */
const LINE = new Set(['br', 'li', 'tr', 'dt', 'dd', 'caption', 'option']);
/** Elements separated by a space from their neighbours. */
const CELL = new Set(['td', 'th']);

/**
 * The text being extracted, written in pieces. Trailing spaces are held back and the newlines
 * at the end counted as they are written, so a line break never rescans the output (rescanning
 * it made long documents quadratic).
 */
class TextOut {
  private readonly parts: string[] = [];
  /** Characters in `parts`. */
  length = 0;
  /** Newlines at the end of `parts`. */
  private newlines = 0;
  /** Spaces and tabs after `parts`: written only if more text follows, dropped by a line break. */
  private blank = '';

  /** Whether collapsed text written next should drop its leading space. */
  atBreakOrSpace(): boolean {
    return this.blank !== '' ? this.blank.endsWith(' ') : this.length === 0 || this.newlines > 0;
  }

  /** Whether the output ends a line (or nothing has been written). */
  atLineStart(): boolean {
    return this.blank === '' && (this.length === 0 || this.newlines > 0);
  }

  write(s: string): void {
    let end = s.length;
    while (end > 0 && (s[end - 1] === ' ' || s[end - 1] === '\t')) end--;
    if (end === 0) {
      this.blank += s;
      return;
    }
    let newlines = 0;
    while (newlines < end && s[end - 1 - newlines] === '\n') newlines++;
    this.newlines = newlines === end && this.blank === '' ? this.newlines + newlines : newlines;
    const piece = this.blank + s.slice(0, end);
    this.parts.push(piece);
    this.length += piece.length;
    this.blank = s.slice(end);
  }

  /** Ends the current line or paragraph: trailing spaces dropped, at most `n` newlines in a row. */
  breakLines(n: number): void {
    this.blank = '';
    if (this.length === 0 || this.newlines >= n) return;
    this.parts.push('\n'.repeat(n - this.newlines));
    this.length += n - this.newlines;
    this.newlines = n;
  }

  /** A position to read back from with `textSince`. */
  mark(): number {
    return this.parts.length;
  }

  textSince(mark: number): string {
    return this.parts.slice(mark).join('');
  }

  toString(): string {
    return this.parts.join('');
  }
}

/**
 * The text a reader sees in an HTML page, for indexing: script, style and other non-text
 * elements dropped, block elements on their own lines, headings kept (and listed with their
 * positions so chunks know their section), `<title>` returned apart. Entities are decoded.
 * Built on htmlparser2's tokenizer, which keeps no element stack, so time stays linear in the
 * input however deeply tags nest or however many are left open. Not for rendering: no tree is
 * built and misnested tags are not repaired.
 */
export function htmlToText(html: string): ExtractedText {
  const out = new TextOut();
  let title: string | undefined;
  const headings: Heading[] = [];
  let heading: { level: number; start: number; mark: number } | undefined;
  let inTitle = false;
  let titleText = '';
  let pre = 0;
  /** The skipped element we are inside, and how many of it are open. */
  let skip: { name: string; depth: number } | undefined;
  /** Text since the last tag, handled whole so whitespace collapses across entities. */
  let text = '';
  let tagName = '';

  const flushText = () => {
    if (text === '') return;
    const raw = text;
    text = '';
    if (inTitle) titleText += raw;
    else if (pre > 0) out.write(raw);
    else {
      const collapsed = raw.replace(/\s+/g, ' ');
      out.write(collapsed.startsWith(' ') && out.atBreakOrSpace() ? collapsed.slice(1) : collapsed);
    }
  };

  const tag = (name: string, closing: boolean, selfClosing: boolean) => {
    if (skip) {
      if (name === skip.name && !(selfClosing && FOREIGN.has(name))) skip.depth += closing ? -1 : 1;
      if (skip.depth === 0) skip = undefined;
      return;
    }
    flushText();
    if (!closing && SKIPPED.has(name) && !(selfClosing && FOREIGN.has(name))) {
      skip = { name, depth: 1 };
      return;
    }
    if (name === 'title') {
      inTitle = !closing;
      if (closing && title === undefined) title = titleText.replace(/\s+/g, ' ').trim() || undefined;
      return;
    }
    const level = /^h([1-6])$/.exec(name)?.[1];
    if (PARAGRAPH.has(name)) out.breakLines(2);
    else if (LINE.has(name)) out.breakLines(1);
    else if (CELL.has(name) && !closing && !out.atLineStart()) {
      text = ' ';
      flushText();
    }
    if (name === 'pre') pre = Math.max(0, pre + (closing ? -1 : 1));
    if (level) {
      if (!closing) heading = { level: Number(level), start: out.length, mark: out.mark() };
      else if (heading) {
        const headingTitle = out.textSince(heading.mark).replace(/\s+/g, ' ').trim();
        if (headingTitle) headings.push({ level: heading.level, title: headingTitle, start: heading.start });
        heading = undefined;
      }
    }
  };

  const ignore = () => {};
  const callbacks: TokenizerCallbacks = {
    ontext(start, end) {
      if (!skip) text += html.slice(start, end);
    },
    ontextentity(codePoint) {
      if (!skip) text += String.fromCodePoint(codePoint);
    },
    onopentagname(start, end) {
      tagName = html.slice(start, end).toLowerCase();
    },
    // The tag counts once its `>` is seen: a tag left open at the end of input is dropped.
    onopentagend() {
      tag(tagName, false, false);
    },
    onselfclosingtag() {
      tag(tagName, false, true);
    },
    onclosetag(start, end) {
      tag(html.slice(start, end).toLowerCase(), true, false);
    },
    onend: flushText,
    // Comments, CDATA (a comment in HTML content), doctype, processing instructions, attributes.
    oncomment: ignore,
    oncdata: ignore,
    ondeclaration: ignore,
    onprocessinginstruction: ignore,
    onattribname: ignore,
    onattribdata: ignore,
    onattribentity: ignore,
    onattribend: ignore,
  };
  const tokenizer = new Tokenizer({ decodeEntities: true }, callbacks);
  tokenizer.write(html);
  tokenizer.end();

  const result = out.toString().trimEnd();
  return { text: result, headings: headings.filter((h) => h.start < result.length), ...(title ? { title } : {}) };
}
