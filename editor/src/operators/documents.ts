/** How an uploaded file is sent to the ingest API: which field carries it. */
export type DocumentField = 'text' | 'markdown' | 'html' | 'pdfBase64';

/** The field a file name goes to, or null for a kind the pipeline does not read. */
export function documentField(fileName: string): DocumentField | null {
  const ext = /\.([a-z0-9]+)$/i.exec(fileName)?.[1]?.toLowerCase();
  switch (ext) {
    case 'txt':
    case 'text':
      return 'text';
    case 'md':
    case 'markdown':
      return 'markdown';
    case 'html':
    case 'htm':
      return 'html';
    case 'pdf':
      return 'pdfBase64';
    default:
      return null;
  }
}

/** Bytes as base64, in slices so a large PDF does not overflow the argument list. */
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  const SLICE = 0x8000;
  for (let i = 0; i < bytes.length; i += SLICE) binary += String.fromCharCode(...bytes.subarray(i, i + SLICE));
  return btoa(binary);
}

/** A file read into an ingest document: text kinds as text, PDFs as base64; the name is its title and source. */
export async function readDocument(file: Pick<File, 'name' | 'text' | 'arrayBuffer'>): Promise<{ title: string; source: string } & Partial<Record<DocumentField, string>>> {
  const field = documentField(file.name);
  if (!field) throw new Error(`${file.name}: only .txt, .md, .html and .pdf files can be added`);
  const content = field === 'pdfBase64' ? toBase64(new Uint8Array(await file.arrayBuffer())) : await file.text();
  return { title: file.name.replace(/\.[^.]+$/, ''), source: file.name, [field]: content };
}
