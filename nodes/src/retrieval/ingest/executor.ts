import { z } from 'zod';
import { NodeError, type Compensate, type Execute } from '../../context.js';
import { ingestDocuments } from '../pipeline.js';
import { DocumentInput } from '../schemas.js';
import type definition from './definition.js';

/** What the input may hold when the params name no documents. */
const InputDocuments = z.union([z.array(DocumentInput), z.object({ documents: z.array(DocumentInput) }).transform((o) => o.documents), DocumentInput.transform((d) => [d])]);

/**
 * Ingests the documents. The node's idempotency key keys every document, so a retried attempt
 * (after a worker crash, say) finds what the first stored instead of storing it twice.
 */
export const execute = (async (ctx, params, input) => {
  let documents = params.documents;
  if (documents === undefined) {
    const parsed = InputDocuments.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new NodeError('InvalidInput', `no documents in the params, and the input is not a document list: ${issue ? `${issue.path.join('.') || 'input'}: ${issue.message}` : ''}`, false);
    }
    documents = parsed.data;
  }
  return ingestDocuments(
    { knowledge: ctx.knowledge, embedders: ctx.embedders, signal: ctx.signal, heartbeat: (d) => ctx.heartbeat(d) },
    { collection: params.collection, ...(params.embedder ? { embedder: params.embedder } : {}), documents, chunkSize: params.chunkSize, chunkOverlap: params.chunkOverlap, key: ctx.idempotencyKey },
  );
}) satisfies Execute<typeof definition>;

/** Deletes the documents the node added; ones already gone count as undone. */
export const compensate: Compensate<typeof definition> = async (ctx, _params, output) => {
  const collection = await ctx.knowledge.getCollection(output.collection);
  if (!collection) return { deleted: 0, collectionGone: true };
  return { deleted: await ctx.knowledge.deleteDocuments(collection.id, output.documentIds) };
};
