import { randomBytes } from 'node:crypto';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type {
  ChunkHit,
  ChunkQuery,
  CollectionSpec,
  KnowledgeChunk,
  KnowledgeCollection,
  KnowledgeCollectionStats,
  KnowledgeDocument,
  KnowledgeStore,
  MetadataFilter,
  NewDocument,
  Page,
} from '@weft/nodes/executors';
import { json, type Db } from '../database.js';
import type { CollectionRow, Database, DocumentRow } from '../tables/index.js';

/** What this database can do with vectors: pgvector's schema and version, if installed. */
export interface VectorSupport {
  /** Whether `chunk.embedding` exists (the migration found pgvector). */
  readonly available: boolean;
  /** Schema of the extension, to qualify its type and operator outside the search path. */
  readonly schema: string;
  /** pgvector ≥ 0.8: HNSW scans can go on past a filter (`hnsw.iterative_scan`). */
  readonly iterativeScan: boolean;
}

const support = new WeakMap<Db, Promise<VectorSupport>>();

/** Reads (once per handle) whether the chunk table has its embedding column. */
export function vectorSupport(db: Db): Promise<VectorSupport> {
  let found = support.get(db);
  if (!found) {
    found = (async () => {
      const column = await sql<{ ok: boolean }>`select exists (
          select 1 from information_schema.columns
          where table_schema = current_schema() and table_name = 'chunk' and column_name = 'embedding') as ok`.execute(db);
      const ext = await sql<{ schema: string; version: string }>`select n.nspname as schema, e.extversion as version
          from pg_extension e join pg_namespace n on n.oid = e.extnamespace where e.extname = 'vector'`.execute(db);
      const row = ext.rows[0];
      const [major = 0, minor = 0] = (row?.version ?? '0.0').split('.').map(Number);
      return { available: column.rows[0]?.ok === true && row !== undefined, schema: row?.schema ?? 'public', iterativeScan: major > 0 || minor >= 8 };
    })();
    // A failed probe is not remembered: the next call asks again.
    found.catch(() => support.delete(db));
    support.set(db, found);
  }
  return found;
}

/** Collection ids are ours (`col_` + hex) and go into index DDL and predicates as literals. */
const COLLECTION_ID = /^col_[0-9a-f]{16}$/;

function checkedId(id: string): string {
  if (!COLLECTION_ID.test(id)) throw new Error(`not a collection id: ${id}`);
  return id;
}

/** Name of a collection's HNSW index. */
export function vectorIndexName(collectionId: string): string {
  return `chunk_embedding_${checkedId(collectionId)}_idx`;
}

/** `vector(N)` qualified with the extension's schema. */
function vectorType(v: VectorSupport, dimensions: number): RawBuilder<unknown> {
  if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > 16_000) throw new Error(`bad vector dimensions: ${dimensions}`);
  return sql`${sql.id(v.schema, 'vector')}(${sql.raw(String(dimensions))})`;
}

/** A vector as pgvector's text form, passed as text and cast (the driver has no vector type). */
function vectorValue(v: VectorSupport, vector: readonly number[], dimensions?: number): RawBuilder<string> {
  if (!vector.every(Number.isFinite)) throw new Error('a vector holds a value that is not a finite number');
  const type = dimensions === undefined ? sql.id(v.schema, 'vector') : vectorType(v, dimensions);
  return sql<string>`cast(cast(${`[${vector.join(',')}]`} as text) as ${type})`;
}

/**
 * The distance expression a collection's HNSW index is built on: the column cast to the
 * collection's dimensions. Queries must use exactly this expression, and the same
 * `collection_id = '<id>'` predicate as a literal, for the planner to pick the index.
 */
function distance(v: VectorSupport, dimensions: number, query: readonly number[]): RawBuilder<number> {
  return sql<number>`(c.embedding::${vectorType(v, dimensions)}) operator(${sql.raw(`"${v.schema.replaceAll('"', '""')}"`)}.<=>) ${vectorValue(v, query, dimensions)}`;
}

function toCollection(r: CollectionRow): KnowledgeCollection {
  return { id: r.id, name: r.name, embedder: r.embedder, dimensions: r.dimensions, createdAt: r.created_at.toISOString() };
}

function toDocument(r: DocumentRow): KnowledgeDocument {
  return {
    id: r.id,
    collectionId: r.collection_id,
    title: r.title,
    source: r.source,
    metadata: (r.metadata ?? {}) as Record<string, unknown>,
    chunks: r.chunks,
    createdAt: r.created_at.toISOString(),
  };
}

interface ChunkSelect {
  id: string;
  document_id: string;
  position: number;
  heading: string | null;
  start: number;
  end: number;
  text: string;
  metadata: unknown;
}

function toChunk(r: ChunkSelect): KnowledgeChunk {
  return { id: r.id, documentId: r.document_id, position: r.position, heading: r.heading, start: r.start, end: r.end, text: r.text, metadata: (r.metadata ?? {}) as Record<string, unknown> };
}

function toHit(r: ChunkSelect & { title: string | null; source: string | null; score: number | string }): ChunkHit {
  return { ...toChunk(r), document: { id: r.document_id, title: r.title, source: r.source }, score: Number(r.score) };
}

/** The collection named `name`. */
export async function findCollection(db: Kysely<Database>, name: string): Promise<KnowledgeCollection | undefined> {
  const row = await db.selectFrom('collection').selectAll().where('name', '=', name).executeTakeFirst();
  return row && toCollection(row);
}

/**
 * Returns the collection named `spec.name`, creating it if there is none. A new collection
 * gets its own HNSW index over `embedding::vector(N)`, partial on its id: the column has no
 * fixed dimension (collections may use different embedders), and an index needs one.
 */
export async function ensureCollection(db: Db, spec: CollectionSpec): Promise<{ collection: KnowledgeCollection; created: boolean }> {
  const v = await vectorSupport(db);
  return db.transaction().execute(async (tx) => {
    const id = `col_${randomBytes(8).toString('hex')}`;
    const inserted = await tx
      .insertInto('collection')
      .values({ id, name: spec.name, embedder: spec.embedder, dimensions: spec.dimensions })
      .onConflict((oc) => oc.column('name').doNothing())
      .returningAll()
      .executeTakeFirst();
    if (!inserted) {
      const existing = await tx.selectFrom('collection').selectAll().where('name', '=', spec.name).executeTakeFirstOrThrow();
      return { collection: toCollection(existing), created: false };
    }
    if (v.available) {
      const opclass = sql.raw(`"${v.schema.replaceAll('"', '""')}".vector_cosine_ops`);
      await sql`create index ${sql.id(vectorIndexName(id))} on chunk using hnsw ((embedding::${vectorType(v, spec.dimensions)}) ${opclass}) where collection_id = ${sql.lit(id)}`.execute(tx);
    }
    return { collection: toCollection(inserted), created: true };
  });
}

/** Every collection with its document and chunk counts, by name. */
export async function listCollections(db: Db): Promise<KnowledgeCollectionStats[]> {
  const rows = await db
    .selectFrom('collection as c')
    .leftJoin('document as d', 'd.collection_id', 'c.id')
    .select(['c.id', 'c.name', 'c.embedder', 'c.dimensions', 'c.created_at'])
    .select([sql<string>`count(d.id)`.as('documents'), sql<string>`coalesce(sum(d.chunks), 0)`.as('chunks')])
    .groupBy('c.id')
    .orderBy('c.name')
    .execute();
  return rows.map((r) => ({ ...toCollection(r), documents: Number(r.documents), chunks: Number(r.chunks) }));
}

/** Deletes a collection, its documents, chunks and vector index. */
export async function deleteCollection(db: Db, collectionId: string): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    const res = await tx.deleteFrom('collection').where('id', '=', collectionId).executeTakeFirst();
    if (COLLECTION_ID.test(collectionId)) await sql`drop index if exists ${sql.id(vectorIndexName(collectionId))}`.execute(tx);
    return Number(res.numDeletedRows) > 0;
  });
}

/** Rows per insert statement: well under PostgreSQL's 65535 parameters. */
const CHUNK_BATCH = 500;

/** Stores a document and its chunks in one transaction; a document whose key is taken is returned as stored. */
export async function addDocument(db: Db, collectionId: string, doc: NewDocument): Promise<KnowledgeDocument> {
  const v = await vectorSupport(db);
  return db.transaction().execute(async (tx) => {
    const id = `doc_${randomBytes(8).toString('hex')}`;
    const inserted = await tx
      .insertInto('document')
      .values({ id, collection_id: collectionId, key: doc.key ?? null, title: doc.title, source: doc.source, metadata: json(doc.metadata), chunks: doc.chunks.length })
      .onConflict((oc) => oc.columns(['collection_id', 'key']).doNothing())
      .returningAll()
      .executeTakeFirst();
    if (!inserted) {
      const existing = await tx.selectFrom('document').selectAll().where('collection_id', '=', collectionId).where('key', '=', doc.key!).executeTakeFirstOrThrow();
      return toDocument(existing);
    }
    for (let i = 0; i < doc.chunks.length; i += CHUNK_BATCH) {
      const rows = doc.chunks.slice(i, i + CHUNK_BATCH).map((c) => ({
        id: `${id}:${c.position}`,
        document_id: id,
        collection_id: collectionId,
        position: c.position,
        heading: c.heading,
        start: c.start,
        end: c.end,
        text: c.text,
        metadata: json(c.metadata),
        ...(v.available ? { embedding: c.embedding ? vectorValue(v, c.embedding) : null } : {}),
      }));
      await tx.insertInto('chunk').values(rows).execute();
    }
    return toDocument(inserted);
  });
}

/** Deletes documents (their chunks go with them); returns how many there were. */
export async function deleteDocuments(db: Db, collectionId: string, ids: readonly string[]): Promise<number> {
  if (ids.length === 0) return 0;
  const res = await db.deleteFrom('document').where('collection_id', '=', collectionId).where('id', 'in', ids).executeTakeFirst();
  return Number(res.numDeletedRows);
}

/** Documents of a collection, oldest first. */
export async function listDocuments(db: Db, collectionId: string, page: Page = {}): Promise<KnowledgeDocument[]> {
  const rows = await db
    .selectFrom('document')
    .selectAll()
    .where('collection_id', '=', collectionId)
    .orderBy('created_at')
    .orderBy('id')
    .limit(page.limit ?? 100)
    .offset(page.offset ?? 0)
    .execute();
  return rows.map(toDocument);
}

/** A page of a collection's documents, oldest first, after the sort key `[created_at, id]` of the previous page's last. */
export async function listDocumentsAfter(db: Db, collectionId: string, page: { limit: number; after?: readonly [string, string] }) {
  let q = db.selectFrom('document').selectAll().select(sql<string>`created_at::text`.as('sort_at')).where('collection_id', '=', collectionId);
  if (page.after) q = q.where(sql<boolean>`(created_at, id) > (${page.after[0]}::timestamptz, ${page.after[1]})`);
  const rows = await q.orderBy('created_at').orderBy('id').limit(page.limit).execute();
  return rows.map((r) => ({ document: toDocument(r), sortAt: r.sort_at }));
}

const CHUNK_COLUMNS = ['c.id', 'c.document_id', 'c.position', 'c.heading', 'c.start', 'c.end', 'c.text', 'c.metadata'] as const;

/** Chunks of a document, in order. */
export async function listChunks(db: Db, collectionId: string, documentId: string): Promise<KnowledgeChunk[]> {
  const rows = await db.selectFrom('chunk as c').select(CHUNK_COLUMNS).where('c.collection_id', '=', collectionId).where('c.document_id', '=', documentId).orderBy('c.position').execute();
  return rows.map(toChunk);
}

function metadataFilter(filter: MetadataFilter | undefined): RawBuilder<unknown> {
  return filter && Object.keys(filter).length > 0 ? sql`and c.metadata @> ${json(filter)}` : sql``;
}

/**
 * The nearest-chunks query as the repository runs it (exported so tests can EXPLAIN it).
 * `collection_id` is a literal and the distance is the indexed expression, so the planner can
 * use the collection's HNSW index; the chunks' documents are joined after the limit.
 */
export function vectorSearchQuery(v: VectorSupport, collection: Pick<KnowledgeCollection, 'id' | 'dimensions'>, vector: readonly number[], q: ChunkQuery): RawBuilder<ChunkSelect & { title: string | null; source: string | null; score: number }> {
  const d = distance(v, collection.dimensions, vector);
  return sql`select h.*, d.title, d.source, 1 - h.distance as score from (
      select c.id, c.document_id, c.position, c.heading, c.start, c."end", c.text, c.metadata, ${d} as distance
      from chunk c
      where c.collection_id = ${sql.lit(checkedId(collection.id))} and c.embedding is not null ${metadataFilter(q.filter)}
      order by ${d}
      limit ${q.topK}
    ) h join document d on d.id = h.document_id
    order by h.distance, h.id`;
}

/** Nearest chunks by cosine distance; score = cosine similarity. */
export async function searchVector(db: Db, collectionId: string, vector: readonly number[], q: ChunkQuery): Promise<ChunkHit[]> {
  const v = await vectorSupport(db);
  if (!v.available) throw new Error('pgvector is not installed on this database');
  const collection = await db.selectFrom('collection').select(['id', 'dimensions']).where('id', '=', collectionId).executeTakeFirst();
  if (!collection) return [];
  if (vector.length !== collection.dimensions) throw new Error(`the query vector has ${vector.length} dimensions; the collection has ${collection.dimensions}`);
  return db.transaction().execute(async (tx) => {
    // An HNSW scan yields ef_search candidates; with a filter, keep scanning until topK pass it.
    await sql`select set_config('hnsw.ef_search', ${String(Math.min(1000, Math.max(40, q.topK)))}, true)`.execute(tx);
    if (q.filter && Object.keys(q.filter).length > 0 && v.iterativeScan) await sql`select set_config('hnsw.iterative_scan', 'strict_order', true)`.execute(tx);
    const { rows } = await vectorSearchQuery(v, collection, vector, q).execute(tx);
    return rows.map(toHit);
  });
}

/** The words of a query as an OR query: any word may match, more matches rank higher. */
function orQuery(text: string): string {
  const words = [...new Set(text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])];
  return words.join(' | ');
}

/** Best chunks by full-text rank (`ts_rank_cd`, scaled to 0…1). */
export async function searchText(db: Db, collectionId: string, text: string, q: ChunkQuery): Promise<ChunkHit[]> {
  const query = orQuery(text);
  if (query === '') return [];
  const { rows } = await sql<ChunkSelect & { title: string | null; source: string | null; score: number }>`select h.*, d.title, d.source from (
      select c.id, c.document_id, c.position, c.heading, c.start, c."end", c.text, c.metadata, ts_rank_cd(c.tsv, q, 32) as score
      from chunk c, to_tsquery('english', ${query}) q
      where c.collection_id = ${collectionId} and c.tsv @@ q ${metadataFilter(q.filter)}
      order by score desc, c.id
      limit ${q.topK}
    ) h join document d on d.id = h.document_id
    order by h.score desc, h.id`.execute(db);
  return rows.map(toHit);
}

/** The `KnowledgeStore` executors and the API use, over this database. */
export function knowledgeStore(db: Db): KnowledgeStore {
  return {
    vectors: async () => (await vectorSupport(db)).available,
    getCollection: (name) => findCollection(db, name),
    ensureCollection: (spec) => ensureCollection(db, spec),
    listCollections: () => listCollections(db),
    deleteCollection: (id) => deleteCollection(db, id),
    addDocument: (collectionId, doc) => addDocument(db, collectionId, doc),
    deleteDocuments: (collectionId, ids) => deleteDocuments(db, collectionId, ids),
    listDocuments: (collectionId, page) => listDocuments(db, collectionId, page),
    listChunks: (collectionId, documentId) => listChunks(db, collectionId, documentId),
    searchVector: (collectionId, vector, q) => searchVector(db, collectionId, vector, q),
    searchText: (collectionId, text, q) => searchText(db, collectionId, text, q),
  };
}
