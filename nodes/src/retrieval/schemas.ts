import { z } from 'zod';

/** A collection name: what workflows and the API call it by. */
export const CollectionName = z
  .string()
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,99}$/, 'letters, digits, _ . - (up to 100), starting with a letter or digit')
  .meta({ title: 'Collection', description: 'Created on first use' });

/** Equality on metadata keys. */
export const MetadataFilter = z
  .record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))
  .meta({ title: 'Metadata filter', description: 'Only chunks whose document metadata has exactly these values' });
export type MetadataFilter = z.infer<typeof MetadataFilter>;

/** One document to ingest: exactly one of `text`, `markdown`, `html`, `pdfBase64`. */
export const DocumentInput = z
  .object({
    title: z.string().max(500).optional().meta({ title: 'Title' }),
    source: z.string().max(2000).optional().meta({ title: 'Source', description: 'Where it came from (URL, path…), shown in citations' }),
    text: z.string().optional().meta({ title: 'Plain text' }),
    markdown: z.string().optional().meta({ title: 'Markdown' }),
    html: z.string().optional().meta({ title: 'HTML' }),
    pdfBase64: z.string().optional().meta({ title: 'PDF (base64)' }),
    metadata: z.record(z.string(), z.unknown()).default({}).meta({ title: 'Metadata', description: 'Kept with every chunk; searches may filter on it' }),
  })
  .strict()
  .superRefine((d, ctx) => {
    const given = (['text', 'markdown', 'html', 'pdfBase64'] as const).filter((k) => d[k] !== undefined);
    if (given.length !== 1) {
      ctx.addIssue({ code: 'custom', message: `give exactly one of text, markdown, html, pdfBase64 (got ${given.length === 0 ? 'none' : given.join(', ')})` });
    }
  });
export type DocumentInput = z.infer<typeof DocumentInput>;

/** How a search ranks: both lists fused, embeddings only, or full text only. */
export const SearchMode = z.enum(['hybrid', 'vector', 'text']).meta({
  title: 'Mode',
  description: 'hybrid: vector and full-text lists fused by reciprocal rank; vector: embeddings only; text: full text only',
});
export type SearchMode = z.infer<typeof SearchMode>;

/** Where a search result comes from. */
export const Citation = z.object({
  documentId: z.string(),
  title: z.string().nullable(),
  source: z.string().nullable(),
  chunkId: z.string(),
  /** 0-based chunk number within the document. */
  position: z.number(),
  /** Character range in the document's extracted text. */
  start: z.number(),
  end: z.number(),
  heading: z.string().nullable(),
  page: z.number().optional(),
});
export type Citation = z.infer<typeof Citation>;

/** One search result. */
export const SearchResult = z.object({ text: z.string(), score: z.number(), citation: Citation });
export type SearchResult = z.infer<typeof SearchResult>;

/** What an ingest did. */
export const IngestResult = z.object({
  collection: z.string(),
  /** Whether this ingest created the collection. */
  created: z.boolean(),
  embedder: z.string(),
  documents: z.number(),
  chunks: z.number(),
  documentIds: z.array(z.string()),
  /** False when the database keeps no vectors (no pgvector): only full-text search will find these. */
  embedded: z.boolean(),
});
export type IngestResult = z.infer<typeof IngestResult>;
