/**
 * Knowledge collections as executors see them: documents cut into chunks, each with an
 * embedding and full-text index, searched by vector and by text. The server implements it over
 * Postgres + pgvector; the worker only knows this interface.
 */
import type { MetadataFilter } from './schemas.js';

/** A document's or chunk's metadata: JSON values by key. */
export type Metadata = Readonly<Record<string, unknown>>;

/** A named set of documents, all embedded by one embedder. */
export interface KnowledgeCollection {
  readonly id: string;
  readonly name: string;
  /** Id of the embedder every vector in the collection comes from, e.g. `local-hash-384`. */
  readonly embedder: string;
  readonly dimensions: number;
  readonly createdAt: string;
}

/** A collection with its sizes, for listings. */
export interface KnowledgeCollectionStats extends KnowledgeCollection {
  readonly documents: number;
  readonly chunks: number;
}

/** One chunk to store with its document. */
export interface NewChunk {
  /** 0-based order within the document. */
  readonly position: number;
  /** Heading path, outermost first, joined with ` > `; null when the chunk is under no heading. */
  readonly heading: string | null;
  /** Character range of the chunk in the document's extracted text. */
  readonly start: number;
  readonly end: number;
  readonly text: string;
  /** The document's metadata plus what is known of this chunk (e.g. `page`). */
  readonly metadata: Metadata;
  /** Absent when the database keeps no vectors (no pgvector) or the text gave none. */
  readonly embedding?: readonly number[];
}

/** One document to store, with all its chunks. */
export interface NewDocument {
  /**
   * Idempotency key, unique in the collection: adding a document whose key is taken returns
   * the stored one instead, so a retried ingest never stores a document twice.
   */
  readonly key?: string;
  readonly title: string | null;
  readonly source: string | null;
  readonly metadata: Metadata;
  readonly chunks: readonly NewChunk[];
}

/** A stored document. */
export interface KnowledgeDocument {
  readonly id: string;
  readonly collectionId: string;
  readonly title: string | null;
  readonly source: string | null;
  readonly metadata: Metadata;
  readonly chunks: number;
  readonly createdAt: string;
}

/** A stored chunk: what was stored of it, less its vector, named by its document. */
export interface KnowledgeChunk extends Omit<NewChunk, 'embedding'> {
  /** `<document id>:<position>`. */
  readonly id: string;
  readonly documentId: string;
}

/** A chunk found by a search, with the document it belongs to. */
export interface ChunkHit extends KnowledgeChunk {
  readonly document: { readonly id: string; readonly title: string | null; readonly source: string | null };
  /** Vector search: cosine similarity (-1…1). Full text: `ts_rank_cd` normalised to 0…1. */
  readonly score: number;
}

/** Limits of one search list. */
export interface ChunkQuery {
  readonly topK: number;
  /** Equality on metadata keys: every key must hold exactly this value. */
  readonly filter?: MetadataFilter;
}

/** The collection a caller asks for, created with this embedder if it does not exist. */
export interface CollectionSpec {
  readonly name: string;
  readonly embedder: string;
  readonly dimensions: number;
}

/** Page of a listing. */
export interface Page {
  readonly limit?: number;
  readonly offset?: number;
}

/** Where collections, documents and chunks are kept, and how they are searched. */
export interface KnowledgeStore {
  /**
   * Whether this database stores embeddings (pgvector installed). Without it documents keep
   * their chunks and full-text search works; vector search does not.
   */
  vectors(): Promise<boolean>;
  getCollection(name: string): Promise<KnowledgeCollection | undefined>;
  /** Returns the collection named `spec.name`, creating it (and its vector index) if there is none. */
  ensureCollection(spec: CollectionSpec): Promise<{ readonly collection: KnowledgeCollection; readonly created: boolean }>;
  listCollections(): Promise<KnowledgeCollectionStats[]>;
  /** Deletes a collection with its documents and chunks; false when there was none. */
  deleteCollection(collectionId: string): Promise<boolean>;
  /** Stores a document and its chunks at once (all or nothing). */
  addDocument(collectionId: string, doc: NewDocument): Promise<KnowledgeDocument>;
  /** Deletes documents with their chunks; returns how many there were. */
  deleteDocuments(collectionId: string, documentIds: readonly string[]): Promise<number>;
  /** Documents of a collection, oldest first. */
  listDocuments(collectionId: string, page?: Page): Promise<KnowledgeDocument[]>;
  /** Chunks of one document, in order. */
  listChunks(collectionId: string, documentId: string): Promise<KnowledgeChunk[]>;
  /** Nearest chunks by cosine distance to `vector` (of the collection's dimensions). */
  searchVector(collectionId: string, vector: readonly number[], query: ChunkQuery): Promise<ChunkHit[]>;
  /** Best chunks by full-text rank; any of the query's words may match. */
  searchText(collectionId: string, text: string, query: ChunkQuery): Promise<ChunkHit[]>;
}
