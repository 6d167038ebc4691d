import { z } from 'zod';
import { defineNode } from '../../define-node.js';
import { CollectionName, DocumentInput, IngestResult } from '../schemas.js';

/** Adds documents to a knowledge collection: extracted, chunked by heading, embedded, indexed. */
export default defineNode({
  type: 'retrieval.ingest',
  kind: 'retrieval',
  version: 1,
  title: 'Ingest documents',
  description:
    'Adds documents (text, Markdown, HTML or base64 PDF) to a knowledge collection, created on first use. Documents come from the `documents` param, or else from the input: a list of documents, `{ documents: [...] }`, or one document.',
  icon: 'database',
  inputs: ['in'],
  outputs: ['out'],
  params: z
    .object({
      collection: CollectionName,
      embedder: z.string().min(1).optional().meta({ title: 'Embedder', description: 'For a new collection; default: the default embedder (local, lexical)' }),
      documents: z.array(DocumentInput).max(1000).optional().meta({ title: 'Documents', description: 'Leave empty to ingest the documents in the input' }),
      chunkSize: z.number().int().min(100).max(20_000).default(1000).meta({ title: 'Chunk size (characters)' }),
      chunkOverlap: z.number().int().min(0).max(5000).default(150).meta({ title: 'Chunk overlap (characters)', description: 'Less than half the chunk size' }),
      undoOnRollback: z.boolean().default(true).meta({ title: 'Delete on rollback', description: 'Deletes the documents this node added when the run rolls back' }),
    })
    .strict()
    .refine((p) => p.chunkOverlap < p.chunkSize / 2, { message: 'chunk overlap must be less than half the chunk size', path: ['chunkOverlap'] }),
  output: IngestResult,
  policy: { timeout: '10m', maxAttempts: 3, initialInterval: '1s', backoff: 2 },
  compensates: (params) => params.undoOnRollback,
});
