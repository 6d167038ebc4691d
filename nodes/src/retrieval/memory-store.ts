import type { ChunkHit, ChunkQuery, KnowledgeChunk, KnowledgeCollection, KnowledgeDocument, KnowledgeStore, Metadata } from './knowledge.js';
import type { MetadataFilter } from './schemas.js';

interface StoredChunk extends KnowledgeChunk {
  readonly embedding?: readonly number[];
}

/**
 * A `KnowledgeStore` in memory, for executor tests (Weft's and plugins'): exact cosine search,
 * and a plain word-overlap text search standing in for Postgres full text. With
 * `vectors: false` it behaves like a database without pgvector.
 */
export function createMemoryKnowledgeStore(o: { vectors?: boolean } = {}): KnowledgeStore {
  const vectors = o.vectors ?? true;
  const collections = new Map<string, KnowledgeCollection>();
  const documents = new Map<string, KnowledgeDocument & { key?: string }>();
  const chunks = new Map<string, StoredChunk[]>();
  let next = 1;

  const docOf = (c: StoredChunk) => documents.get(c.documentId)!;
  const inCollection = (collectionId: string, filter?: MetadataFilter) =>
    [...documents.values()]
      .filter((d) => d.collectionId === collectionId)
      .flatMap((d) => chunks.get(d.id) ?? [])
      .filter((c) => matches(c.metadata, filter));
  const hit = (c: StoredChunk, score: number): ChunkHit => {
    const d = docOf(c);
    const { embedding: _, ...chunk } = c;
    return { ...chunk, document: { id: d.id, title: d.title, source: d.source }, score };
  };
  const top = (scored: { c: StoredChunk; score: number }[], q: ChunkQuery) =>
    scored.sort((a, b) => b.score - a.score || a.c.id.localeCompare(b.c.id)).slice(0, q.topK).map((s) => hit(s.c, s.score));

  return {
    vectors: async () => vectors,
    getCollection: async (name) => [...collections.values()].find((c) => c.name === name),
    async ensureCollection(spec) {
      const found = [...collections.values()].find((c) => c.name === spec.name);
      if (found) return { collection: found, created: false };
      const collection = { id: `col_${next++}`, name: spec.name, embedder: spec.embedder, dimensions: spec.dimensions, createdAt: new Date().toISOString() };
      collections.set(collection.id, collection);
      return { collection, created: true };
    },
    listCollections: async () =>
      [...collections.values()].map((c) => {
        const docs = [...documents.values()].filter((d) => d.collectionId === c.id);
        return { ...c, documents: docs.length, chunks: docs.reduce((n, d) => n + d.chunks, 0) };
      }),
    async deleteCollection(id) {
      for (const d of [...documents.values()]) if (d.collectionId === id) documents.delete(d.id);
      return collections.delete(id);
    },
    async addDocument(collectionId, doc) {
      const same = doc.key === undefined ? undefined : [...documents.values()].find((d) => d.collectionId === collectionId && d.key === doc.key);
      if (same) return same;
      const id = `doc_${next++}`;
      const stored = { id, collectionId, title: doc.title, source: doc.source, metadata: doc.metadata, chunks: doc.chunks.length, createdAt: new Date().toISOString(), ...(doc.key === undefined ? {} : { key: doc.key }) };
      documents.set(id, stored);
      chunks.set(
        id,
        doc.chunks.map((c) => ({ id: `${id}:${c.position}`, documentId: id, position: c.position, heading: c.heading, start: c.start, end: c.end, text: c.text, metadata: c.metadata, ...(vectors && c.embedding ? { embedding: c.embedding } : {}) })),
      );
      return stored;
    },
    async deleteDocuments(collectionId, ids) {
      let n = 0;
      for (const id of ids) if (documents.get(id)?.collectionId === collectionId && documents.delete(id) && chunks.delete(id)) n++;
      return n;
    },
    listDocuments: async (collectionId, page = {}) =>
      [...documents.values()].filter((d) => d.collectionId === collectionId).slice(page.offset ?? 0, (page.offset ?? 0) + (page.limit ?? 100)),
    listChunks: async (collectionId, documentId) =>
      documents.get(documentId)?.collectionId === collectionId ? (chunks.get(documentId) ?? []).map(({ embedding: _, ...chunk }) => chunk) : [],
    async searchVector(collectionId, vector, q) {
      if (!vectors) throw new Error('this store keeps no vectors');
      return top(inCollection(collectionId, q.filter).filter((c) => c.embedding).map((c) => ({ c, score: cosine(vector, c.embedding!) })), q);
    },
    async searchText(collectionId, text, q) {
      const terms = new Set(words(text));
      const scored = inCollection(collectionId, q.filter).map((c) => {
        const ws = words(c.text);
        return { c, score: ws.filter((w) => terms.has(w)).length / (ws.length + 1) };
      });
      return top(scored.filter((s) => s.score > 0), q);
    },
  };
}

function matches(metadata: Metadata, filter?: MetadataFilter): boolean {
  return Object.entries(filter ?? {}).every(([k, v]) => metadata[k] === v);
}

function words(s: string): string[] {
  return s.toLowerCase().match(/[\p{L}\p{N}]{3,}/gu) ?? [];
}

function cosine(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  a.forEach((x, i) => {
    const y = b[i] ?? 0;
    dot += x * y;
    na += x * x;
    nb += y * y;
  });
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}
