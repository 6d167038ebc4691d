import { Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';
import {
  CollectionName,
  DocumentInput,
  ingestDocuments,
  MetadataFilter,
  NodeError,
  searchCollection,
  SearchMode,
  type EmbedderSet,
  type KnowledgeCollection,
  IngestResult,
  SearchResult,
} from '@weft/nodes/executors';
import { Page, errorMessage } from '@weft/schemas';
import { requireRole, type AuthEnv } from '../auth/bearer-auth.js';
import type { Db } from '@weft/store';
import { appendAudit } from '@weft/store/repositories/audit.repository';
import { knowledgeStore } from '@weft/store/repositories/knowledge.repository';
import { apiError, HttpError } from '../errors.js';
import { valid } from '../validation.js';
import { decodeCursor, PageQuery, toPage } from '../pagination.js';
import { listDocumentsAfter } from '@weft/store/repositories/knowledge.repository';
import { describe, errorDoc } from '../openapi.js';

/** A collection with its sizes; `vectors` says whether this database keeps embeddings (pgvector). */
const CollectionView = z.object({
  id: z.string(),
  name: z.string(),
  embedder: z.string().meta({ description: 'The embedder every vector in the collection comes from' }),
  dimensions: z.number().int(),
  createdAt: z.string(),
  documents: z.number().int(),
  chunks: z.number().int(),
});
const Vectors = z.object({ vectors: z.boolean().meta({ description: 'Whether this database keeps embeddings (pgvector): without, only text search works' }) });
const DocumentView = z.object({ id: z.string(), collectionId: z.string(), title: z.string().nullable(), source: z.string().nullable(), metadata: z.record(z.string(), z.unknown()), chunks: z.number().int(), createdAt: z.string() });
const ChunkView = z.object({ id: z.string(), documentId: z.string(), position: z.number().int(), heading: z.string().nullable(), start: z.number().int(), end: z.number().int(), text: z.string(), metadata: z.record(z.string(), z.unknown()) });
const pipelineErrors = { 409: errorDoc('The collection\'s embedder differs'), 422: errorDoc('Unknown embedder, or a document that cannot be read'), 501: errorDoc('This database has no pgvector'), 502: errorDoc('The embedder failed') };

const NameParam = z.object({ name: CollectionName });
const DocumentParam = z.object({ name: CollectionName, id: z.string().regex(/^doc_[0-9a-f]{16}$/, 'expected a document id such as doc_0123456789abcdef') });
const CreateBody = z.object({ name: CollectionName, embedder: z.string().min(1).max(200).optional() }).strict();
const IngestBody = z
  .object({
    documents: z.array(DocumentInput).min(1).max(1000),
    chunkSize: z.number().int().min(100).max(20_000).optional(),
    chunkOverlap: z.number().int().min(0).max(5000).optional(),
  })
  .strict();
const SearchBody = z
  .object({
    query: z.string().min(1).max(10_000),
    topK: z.number().int().min(1).max(100).default(5),
    minScore: z.number().min(-1).max(1).default(0),
    filter: MetadataFilter.optional(),
    mode: SearchMode.default('hybrid'),
  })
  .strict();

/** How the retrieval pipeline's errors answer over HTTP. */
const ERROR_STATUS: Record<string, { status: ContentfulStatusCode; code: string }> = {
  PgvectorMissing: { status: 501, code: 'pgvector_missing' },
  CollectionNotFound: { status: 404, code: 'not_found' },
  EmbedderMismatch: { status: 409, code: 'embedder_mismatch' },
  UnknownEmbedder: { status: 422, code: 'unknown_embedder' },
  InvalidDocument: { status: 422, code: 'invalid_document' },
  InvalidParams: { status: 400, code: 'invalid_request' },
  EmbeddingError: { status: 502, code: 'embedding_failed' },
};

/** Runs a pipeline step, turning its `NodeError`s into Weft's HTTP errors. */
async function pipeline<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    const mapped = e instanceof NodeError ? ERROR_STATUS[e.type] : undefined;
    if (mapped) throw new HttpError(mapped.status, mapped.code, errorMessage(e));
    throw e;
  }
}

/**
 * Knowledge collections: create, list, read, delete; ingest documents, list and delete them;
 * search. Ingest and search run the same pipeline as the retrieval nodes.
 */
export function collectionRoutes(deps: { db: Db; embedders: EmbedderSet }) {
  const { db, embedders } = deps;
  const knowledge = knowledgeStore(db);
  const services = { knowledge, embedders };

  const view = async (c: KnowledgeCollection) => {
    const stats = (await knowledge.listCollections()).find((s) => s.id === c.id);
    return { ...c, documents: stats?.documents ?? 0, chunks: stats?.chunks ?? 0 };
  };
  const collectionOr404 = async (name: string) => {
    const found = await knowledge.getCollection(name);
    if (!found) throw new HttpError(404, 'not_found', `there is no collection "${name}"`);
    return found;
  };

  return new Hono<AuthEnv>()
    .use(requireRole('viewer'))
    .get('/', describe({ summary: 'List knowledge collections', tags: ['collections'], responses: { 200: { description: 'A page of collections', schema: Page(CollectionView).extend(Vectors.shape) } } }), valid('query', PageQuery), async (c) => {
      const { limit, cursor } = c.req.valid('query');
      const after = decodeCursor(cursor, 1)?.[0];
      // Few enough to sort here; the cursor is the name of the last one shown.
      const all = (await knowledge.listCollections()).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      const rest = after === undefined ? all : all.filter((x) => x.name > String(after));
      return c.json({ ...toPage(rest.slice(0, limit + 1), limit, (x) => [x.name], (x) => x), vectors: await knowledge.vectors() });
    })
    .post('/', describe({ summary: 'Create a knowledge collection', tags: ['collections'], responses: { 201: { description: 'Created', schema: CollectionView.extend(Vectors.shape) }, 409: errorDoc('A collection has this name'), 422: errorDoc('Unknown embedder') } }), requireRole('editor'), valid('json', CreateBody), async (c) => {
      const body = c.req.valid('json');
      let embedder;
      try {
        embedder = embedders.get(body.embedder);
      } catch (e) {
        return apiError(c, 422, 'unknown_embedder', errorMessage(e), [{ path: '$.embedder', message: errorMessage(e) }]);
      }
      const { collection, created } = await knowledge.ensureCollection({ name: body.name, embedder: embedder.id, dimensions: embedder.dimensions });
      if (!created) return apiError(c, 409, 'already_exists', `collection "${body.name}" already exists`, [{ path: '$.name', message: 'taken' }]);
      await appendAudit(db, { actor: c.get('caller').tokenId, action: 'collection.create', target: collection.id, details: { name: collection.name, embedder: collection.embedder } });
      return c.json({ ...collection, documents: 0, chunks: 0, vectors: await knowledge.vectors() }, 201);
    })
    .get('/:name', describe({ summary: 'Read a knowledge collection', tags: ['collections'], responses: { 200: { description: 'The collection', schema: CollectionView.extend(Vectors.shape) } } }), valid('param', NameParam), async (c) => {
      const collection = await collectionOr404(c.req.valid('param').name);
      return c.json({ ...(await view(collection)), vectors: await knowledge.vectors() });
    })
    .delete('/:name', describe({ summary: 'Delete a knowledge collection and its documents', tags: ['collections'], responses: { 200: { description: 'Deleted', schema: z.object({ deleted: z.literal(true) }) } } }), requireRole('editor'), valid('param', NameParam), async (c) => {
      const collection = await collectionOr404(c.req.valid('param').name);
      await knowledge.deleteCollection(collection.id);
      await appendAudit(db, { actor: c.get('caller').tokenId, action: 'collection.delete', target: collection.id, details: { name: collection.name } });
      return c.json({ deleted: true });
    })
    .post('/:name/documents', describe({ summary: 'Ingest documents into a collection', tags: ['collections'], responses: { 201: { description: 'What the ingest stored', schema: IngestResult }, ...pipelineErrors } }), requireRole('editor'), valid('param', NameParam), valid('json', IngestBody), async (c) => {
      const collection = await collectionOr404(c.req.valid('param').name);
      const body = c.req.valid('json');
      const result = await pipeline(() => ingestDocuments(services, { collection: collection.name, ...body }));
      await appendAudit(db, { actor: c.get('caller').tokenId, action: 'collection.ingest', target: collection.id, details: { documents: result.documents, chunks: result.chunks } });
      return c.json(result, 201);
    })
    .get('/:name/documents', describe({ summary: 'List the documents of a collection', tags: ['collections'], responses: { 200: { description: 'A page of documents', schema: Page(DocumentView) } } }), valid('param', NameParam), valid('query', PageQuery), async (c) => {
      const collection = await collectionOr404(c.req.valid('param').name);
      const { limit, cursor } = c.req.valid('query');
      const after = decodeCursor(cursor, 2) as [string, string] | undefined;
      const rows = await listDocumentsAfter(db, collection.id, { limit: limit + 1, ...(after ? { after } : {}) });
      return c.json(toPage(rows, limit, (r) => [r.sortAt, r.document.id], (r) => r.document));
    })
    .get('/:name/documents/:id', describe({ summary: 'Read the chunks of a document', tags: ['collections'], responses: { 200: { description: 'The document\'s chunks, in order', schema: z.object({ id: z.string(), chunks: z.array(ChunkView) }) } } }), valid('param', DocumentParam), async (c) => {
      const { name, id } = c.req.valid('param');
      const collection = await collectionOr404(name);
      const chunks = await knowledge.listChunks(collection.id, id);
      if (chunks.length === 0) return apiError(c, 404, 'not_found', `collection "${name}" has no document ${id}`);
      return c.json({ id, chunks });
    })
    .delete('/:name/documents/:id', describe({ summary: 'Delete a document', tags: ['collections'], responses: { 200: { description: 'Deleted', schema: z.object({ deleted: z.literal(1) }) } } }), requireRole('editor'), valid('param', DocumentParam), async (c) => {
      const { name, id } = c.req.valid('param');
      const collection = await collectionOr404(name);
      if ((await knowledge.deleteDocuments(collection.id, [id])) === 0) return apiError(c, 404, 'not_found', `collection "${name}" has no document ${id}`);
      await appendAudit(db, { actor: c.get('caller').tokenId, action: 'document.delete', target: id, details: { collection: collection.id } });
      return c.json({ deleted: 1 });
    })
    .post('/:name/search', describe({ summary: 'Search a collection', tags: ['collections'], responses: { 200: { description: 'The best chunks with their citations', schema: z.object({ results: z.array(SearchResult) }) }, ...pipelineErrors } }), valid('param', NameParam), valid('json', SearchBody), async (c) => {
      const { name } = c.req.valid('param');
      return c.json(await pipeline(() => searchCollection(services, { collection: name, ...c.req.valid('json') })));
    });
}
