import { NodeError } from '../context.js';
import type { Embedder, EmbedderSet } from '../services.js';
import { CHUNK_DEFAULTS, chunkText } from './chunk.js';
import { describe, extractDocument } from './extract.js';
import { maxFusedScore, reciprocalRankFusion } from './fusion.js';
import type { ChunkHit, KnowledgeCollection, KnowledgeStore, NewChunk } from './knowledge.js';
import type { DocumentInput, IngestResult, MetadataFilter, SearchMode, SearchResult } from './schemas.js';

/** What ingest and search need; the nodes pass their context, the API its own. */
export interface RetrievalServices {
  readonly knowledge: KnowledgeStore;
  readonly embedders: EmbedderSet;
  readonly signal?: AbortSignal;
  /** Called between batches of a long ingest. */
  readonly heartbeat?: (details?: unknown) => void;
}

/** Documents to add to a collection. */
export interface IngestRequest {
  readonly collection: string;
  /** Embedder name (or id) for a new collection; must match an existing collection's. Default: the default embedder. */
  readonly embedder?: string;
  readonly documents: readonly DocumentInput[];
  readonly chunkSize?: number;
  readonly chunkOverlap?: number;
  /**
   * Makes the ingest idempotent: document `i` is stored with key `<key>:<i>`, and a retry with
   * the same key finds the documents stored before instead of storing them again.
   */
  readonly key?: string;
}

/** A query against a collection. */
export interface SearchRequest {
  readonly collection: string;
  readonly query: string;
  readonly topK?: number;
  /** Results scoring lower are dropped; see {@link searchCollection} for each mode's scale. */
  readonly minScore?: number;
  readonly filter?: MetadataFilter;
  readonly mode?: SearchMode;
}

/** Texts embedded per call, between heartbeats. */
const EMBED_BATCH = 64;
/** Reciprocal rank fusion constant. */
const RRF_K = 60;

/** The error every vector operation gives on a database without pgvector. */
export function pgvectorMissing(what: string): NodeError {
  return new NodeError(
    'PgvectorMissing',
    `pgvector is not installed on this database, so ${what} is not available; install the "vector" extension, or search with mode "text" (full text works without it)`,
    false,
  );
}

/**
 * Extracts, chunks, embeds and stores documents in a collection, creating the collection on
 * first use with the chosen embedder. Without pgvector the chunks are stored without vectors
 * (`embedded: false`) and only full-text search finds them.
 */
export async function ingestDocuments(s: RetrievalServices, req: IngestRequest): Promise<IngestResult> {
  const size = req.chunkSize ?? CHUNK_DEFAULTS.size;
  const overlap = req.chunkOverlap ?? Math.min(CHUNK_DEFAULTS.overlap, Math.floor(size / 2) - 1);
  if (overlap >= size / 2) throw new NodeError('InvalidParams', `chunk overlap (${overlap}) must be less than half the chunk size (${size})`, false);
  // Everything is read and cut before anything is stored: a bad document stores nothing.
  const prepared = [];
  for (const doc of req.documents) {
    const extracted = await extractDocument(doc);
    let chunks;
    try {
      chunks = chunkText(extracted, { size, overlap });
    } catch (e) {
      throw new NodeError('InvalidParams', (e as Error).message, false);
    }
    if (chunks.length === 0) throw new NodeError('InvalidDocument', `${describe(doc)} has no text`, false);
    prepared.push({ doc, extracted, chunks, title: doc.title ?? extracted.title ?? null });
  }

  const { collection, created, embedder } = await collectionFor(s, req.collection, req.embedder);
  const vectors = await s.knowledge.vectors();
  const documentIds: string[] = [];
  let chunkCount = 0;
  for (const [i, p] of prepared.entries()) {
    const texts = p.chunks.map((c) => embeddingText(p.title, c.heading, c.text));
    const embeddings = vectors ? await embedAll(s, embedder, texts) : [];
    const chunks: NewChunk[] = p.chunks.map((c, j) => {
      const page = pageOf(p.extracted.pages, c.start);
      const embedding = embeddings[j];
      return {
        position: c.position,
        heading: c.heading.length > 0 ? c.heading.join(' > ') : null,
        start: c.start,
        end: c.end,
        text: c.text,
        metadata: { ...p.doc.metadata, ...(page === undefined ? {} : { page }) },
        // A text with no words has an all-zero vector, which has no direction to compare.
        ...(embedding && embedding.some((x) => x !== 0) ? { embedding } : {}),
      };
    });
    const stored = await s.knowledge.addDocument(collection.id, {
      ...(req.key === undefined ? {} : { key: `${req.key}:${i}` }),
      title: p.title,
      source: p.doc.source ?? null,
      metadata: p.doc.metadata,
      chunks,
    });
    documentIds.push(stored.id);
    chunkCount += stored.chunks;
    s.heartbeat?.({ documents: i + 1 });
  }
  return { collection: collection.name, created, embedder: collection.embedder, documents: documentIds.length, chunks: chunkCount, documentIds, embedded: vectors };
}

/**
 * Searches a collection. `hybrid` fuses the vector and full-text lists by reciprocal rank
 * (k = 60) and reports the fused score scaled to 0…1 (1 = first in both lists); `vector`
 * reports cosine similarity; `text` reports `ts_rank_cd` scaled to 0…1. `minScore` applies to
 * the reported score. Vector and hybrid search need pgvector; text search does not.
 */
export async function searchCollection(s: RetrievalServices, req: SearchRequest): Promise<{ results: SearchResult[] }> {
  const mode = req.mode ?? 'hybrid';
  const topK = req.topK ?? 5;
  const minScore = req.minScore ?? 0;
  const query = req.query.trim();
  if (query === '') throw new NodeError('InvalidParams', 'the search query is empty', false);
  const collection = await s.knowledge.getCollection(req.collection);
  if (!collection) throw new NodeError('CollectionNotFound', `there is no collection "${req.collection}"`, false);
  if (mode !== 'text' && !(await s.knowledge.vectors())) throw pgvectorMissing(`${mode} search`);

  // Fusion needs more than topK from each list to find what ranks well in both.
  const depth = mode === 'hybrid' ? Math.min(200, Math.max(20, topK * 4)) : topK;
  const q = { topK: depth, ...(req.filter ? { filter: req.filter } : {}) };
  let vectorHits: ChunkHit[] = [];
  if (mode !== 'text') {
    const embedder = embedderOf(s.embedders, collection);
    const [vector] = await embedder.embed([query], s.signal);
    // A query with no words (only stop words, say) has no direction: the vector list is empty.
    if (vector && vector.some((x) => x !== 0)) vectorHits = await s.knowledge.searchVector(collection.id, vector, q);
  }
  const textHits = mode === 'vector' ? [] : await s.knowledge.searchText(collection.id, query, q);

  let ranked: { hit: ChunkHit; score: number }[];
  if (mode === 'hybrid') {
    const max = maxFusedScore(2, RRF_K);
    ranked = reciprocalRankFusion([vectorHits, textHits], (h) => h.id, RRF_K).map((f) => ({ hit: f.item, score: f.score / max }));
  } else {
    ranked = (mode === 'vector' ? vectorHits : textHits).map((hit) => ({ hit, score: hit.score }));
  }
  const results = ranked
    .filter((r) => r.score >= minScore)
    .slice(0, topK)
    .map(({ hit, score }) => toResult(hit, score));
  return { results };
}

/** The collection named in a request, created with the requested (or default) embedder when new. */
async function collectionFor(s: RetrievalServices, name: string, embedderName?: string): Promise<{ collection: KnowledgeCollection; created: boolean; embedder: Embedder }> {
  const existing = await s.knowledge.getCollection(name);
  const wanted = existing && embedderName === undefined ? undefined : s.embedders.get(embedderName);
  const { collection, created } = existing
    ? { collection: existing, created: false }
    : await s.knowledge.ensureCollection({ name, embedder: wanted!.id, dimensions: wanted!.dimensions });
  if (wanted && wanted.id !== collection.embedder) {
    throw new NodeError('EmbedderMismatch', `collection "${name}" is embedded by ${collection.embedder}, not ${wanted.id}; vectors of different embedders cannot be compared`, false);
  }
  return { collection, created, embedder: embedderOf(s.embedders, collection) };
}

/** The embedder that filled a collection, as this process has it. */
function embedderOf(embedders: EmbedderSet, collection: KnowledgeCollection): Embedder {
  let embedder: Embedder;
  try {
    embedder = embedders.get(collection.embedder);
  } catch {
    throw new NodeError('UnknownEmbedder', `collection "${collection.name}" is embedded by ${collection.embedder}, which this process does not have (it has ${embedders.names().join(', ')})`, false);
  }
  if (embedder.dimensions !== collection.dimensions) {
    throw new NodeError('EmbedderMismatch', `embedder ${embedder.id} gives ${embedder.dimensions} dimensions; collection "${collection.name}" has ${collection.dimensions}`, false);
  }
  return embedder;
}

async function embedAll(s: RetrievalServices, embedder: Embedder, texts: readonly string[]): Promise<number[][]> {
  const out: number[][] = [];
  for (let i = 0; i < texts.length; i += EMBED_BATCH) {
    if (s.signal?.aborted) throw s.signal.reason;
    const batch = await embedder.embed(texts.slice(i, i + EMBED_BATCH), s.signal);
    if (batch.length !== Math.min(EMBED_BATCH, texts.length - i)) throw new NodeError('EmbeddingError', `embedder ${embedder.id} returned ${batch.length} vectors for ${texts.length - i} texts`, false);
    out.push(...batch);
    s.heartbeat?.({ embedded: out.length });
  }
  return out;
}

/** What is embedded for a chunk: where it sits (title, headings) and its text. */
function embeddingText(title: string | null, heading: readonly string[], text: string): string {
  return [title, heading.join(' > '), text].filter(Boolean).join('\n');
}

/** 1-based page of a position, given where pages start. */
function pageOf(pages: readonly number[] | undefined, at: number): number | undefined {
  if (!pages || pages.length === 0) return undefined;
  let page = 1;
  pages.forEach((start, i) => {
    if (start <= at) page = i + 1;
  });
  return page;
}

function toResult(hit: ChunkHit, score: number): SearchResult {
  const page = hit.metadata['page'];
  return {
    text: hit.text,
    score,
    citation: {
      documentId: hit.document.id,
      title: hit.document.title,
      source: hit.document.source,
      chunkId: hit.id,
      position: hit.position,
      start: hit.start,
      end: hit.end,
      heading: hit.heading,
      ...(typeof page === 'number' ? { page } : {}),
    },
  };
}
