import type { ExtractedText, Heading } from './extract.js';

/** Elements whose content is never text a reader sees. */
const SKIPPED = new Set(['script', 'style', 'noscript', 'template', 'svg', 'math', 'iframe', 'object', 'canvas', 'select']);
/** Elements that start a paragraph. */
const PARAGRAPH = new Set([
  'p', 'div', 'section', 'article', 'header', 'footer', 'main', 'nav', 'aside', 'blockquote', 'pre', 'table', 'ul', 'ol', 'dl',
  'figure', 'figcaption', 'form', 'fieldset', 'address', 'details', 'summary', 'hr', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6',
]);
/** Elements that start a line. */
const LINE = new Set(['br', 'li', 'tr', 'dt', 'dd', 'caption', 'option']);
/** Elements separated by a space from their neighbours. */
const CELL = new Set(['td', 'th']);

const NAMED: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', ndash: '–', mdash: '—', hellip: '…', lsquo: '‘', rsquo: '’',
  ldquo: '“', rdquo: '”', laquo: '«', raquo: '»', copy: '©', reg: '®', trade: '™', deg: '°', middot: '·', bull: '•', times: '×',
  euro: '€', pound: '£', eacute: 'é', egrave: 'è', ecirc: 'ê', agrave: 'à', aacute: 'á', ccedil: 'ç', ouml: 'ö', uuml: 'ü', auml: 'ä', szlig: 'ß',
};

/** Decodes character references: numeric ones and the common named ones (others stay as written). */
export function decodeEntities(s: string): string {
  return s.replace(/&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});/g, (whole, ref: string) => {
    if (ref[0] === '#') {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : '\uFFFD';
    }
    return NAMED[ref] ?? NAMED[ref.toLowerCase()] ?? whole;
  });
}

// Comments, doctype/CDATA, tags (attribute values may hold `>`), or text.
const TOKEN = /<!--[\s\S]*?(?:-->|$)|<![^>]*>?|<\?[^>]*>?|<(\/?)([a-zA-Z][a-zA-Z0-9:-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>|[^<]+|</g;

/**
 * The text a reader sees in an HTML page, for indexing: script, style and other non-text
 * elements dropped, block elements on their own lines, headings kept (and listed with their
 * positions so chunks know their section), `<title>` returned apart. Not a full HTML parser:
 * enough for indexing articles and docs pages, not for rendering.
 */
export function htmlToText(html: string): ExtractedText {
  let out = '';
  let title: string | undefined;
  const headings: Heading[] = [];
  let heading: { level: number; start: number } | undefined;
  let inTitle = false;
  let titleText = '';
  let pre = 0;

  /** Ends the current line or paragraph: trailing spaces dropped, at most `n` newlines in a row. */
  const breakLines = (n: number) => {
    out = out.replace(/[ \t]+$/, '');
    if (out === '') return;
    const have = /\n*$/.exec(out)![0].length;
    if (have < n) out += '\n'.repeat(n - have);
  };
  const addText = (raw: string) => {
    const text = decodeEntities(raw);
    if (inTitle) {
      titleText += text;
      return;
    }
    if (pre > 0) {
      out += text;
      return;
    }
    let t = text.replace(/\s+/g, ' ');
    if (out === '' || out.endsWith('\n') || out.endsWith(' ')) t = t.replace(/^ /, '');
    out += t;
  };

  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(html); m; m = TOKEN.exec(html)) {
    const token = m[0];
    const name = m[2]?.toLowerCase();
    if (!name) {
      if (!token.startsWith('<!') && !token.startsWith('<?')) addText(token);
      continue;
    }
    const closing = m[1] === '/';
    const selfClosing = /\/\s*$/.test(m[3] ?? '');
    if (!closing && SKIPPED.has(name) && !selfClosing) {
      // Skip to the matching end tag: their content is not markup to walk (script may hold `<`).
      const end = html.toLowerCase().indexOf(`</${name}`, TOKEN.lastIndex);
      if (end < 0) break;
      const close = html.indexOf('>', end);
      TOKEN.lastIndex = close < 0 ? html.length : close + 1;
      continue;
    }
    if (name === 'title') {
      inTitle = !closing;
      if (closing && title === undefined) title = titleText.replace(/\s+/g, ' ').trim() || undefined;
      continue;
    }
    const level = /^h([1-6])$/.exec(name)?.[1];
    if (PARAGRAPH.has(name)) breakLines(2);
    else if (LINE.has(name)) breakLines(1);
    else if (CELL.has(name) && !closing && out !== '' && !out.endsWith('\n')) addText(' ');
    if (name === 'pre') pre = Math.max(0, pre + (closing ? -1 : 1));
    if (level) {
      if (!closing) heading = { level: Number(level), start: out.length };
      else if (heading) {
        const text = out.slice(heading.start).replace(/\s+/g, ' ').trim();
        if (text) headings.push({ level: heading.level, title: text, start: heading.start });
        heading = undefined;
      }
    }
  }
  out = out.replace(/\s+$/, '');
  return { text: out, headings: headings.filter((h) => h.start < out.length), ...(title ? { title } : {}) };
}
