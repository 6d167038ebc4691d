import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import { NodeError } from '../context.js';
import type { ExtractedText } from './extract.js';

type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');

let loading: Promise<PdfJs> | undefined;

/**
 * Loads PDF.js (the legacy build, which runs on Node) once. Its worker module is loaded into
 * this thread and handed over as `globalThis.pdfjsWorker`, so PDF.js runs its "fake worker"
 * in-process: no worker thread and no file lookups by URL.
 */
function loadPdfJs(): Promise<PdfJs> {
  loading ??= (async () => {
    const worker = (await import('pdfjs-dist/legacy/build/pdf.worker.mjs')) as { WorkerMessageHandler: unknown };
    (globalThis as { pdfjsWorker?: unknown }).pdfjsWorker = worker;
    return import('pdfjs-dist/legacy/build/pdf.mjs');
  })();
  return loading;
}

/** Folders of the installed package that PDF.js reads character maps and fonts from: local files, never downloads. */
function dataDirs() {
  const root = dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));
  const dir = (name: string) => join(root, name) + sep;
  return { cMapUrl: dir('cmaps'), standardFontDataUrl: dir('standard_fonts'), wasmUrl: dir('wasm') };
}

interface PdfTextItem {
  readonly str: string;
  readonly hasEOL: boolean;
  readonly transform: readonly number[];
  readonly width: number;
}

/**
 * The text of a PDF, page by page (pages separated by a blank line, their starts listed), lines
 * where PDF.js reports line ends or the baseline moves. PDFs carry no headings PDF.js exposes,
 * so none are listed; scanned pages without a text layer give no text.
 */
export async function pdfToText(bytes: Uint8Array): Promise<ExtractedText> {
  const pdfjs = await loadPdfJs();
  const task = pdfjs.getDocument({
    // PDF.js takes ownership of the buffer it is given: hand it a copy.
    data: new Uint8Array(bytes),
    ...dataDirs(),
    useWorkerFetch: false,
    isEvalSupported: false,
    disableFontFace: true,
    verbosity: 0,
  });
  try {
    const doc = await task.promise.catch((e: unknown) => {
      throw new NodeError('InvalidDocument', `the PDF cannot be read: ${(e as Error).message}`, false);
    });
    let text = '';
    const pages: number[] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await doc.getPage(n);
      const content = await page.getTextContent();
      if (text !== '') text += '\n\n';
      pages.push(text.length);
      text += pageText(content.items.filter((i): i is PdfTextItem & typeof i => 'str' in i));
      page.cleanup();
    }
    const info = (await doc.getMetadata().catch(() => undefined))?.info as { Title?: unknown } | undefined;
    const title = typeof info?.Title === 'string' && info.Title.trim() ? info.Title.trim() : undefined;
    return { text, headings: [], pages, ...(title ? { title } : {}) };
  } finally {
    await task.destroy();
  }
}

function pageText(items: readonly PdfTextItem[]): string {
  let out = '';
  let prev: PdfTextItem | undefined;
  for (const item of items) {
    if (prev && !prev.hasEOL) {
      const sameLine = Math.abs((item.transform[5] ?? 0) - (prev.transform[5] ?? 0)) < 1;
      if (!sameLine) out += '\n';
      else {
        // Words set as separate items: a visible gap between them is a space.
        const gap = (item.transform[4] ?? 0) - ((prev.transform[4] ?? 0) + prev.width);
        if (gap > 1 && !out.endsWith(' ') && !item.str.startsWith(' ')) out += ' ';
      }
    }
    out += item.str;
    if (item.hasEOL) out += '\n';
    prev = item;
  }
  return out.replace(/[ \t]+\n/g, '\n').trim();
}
