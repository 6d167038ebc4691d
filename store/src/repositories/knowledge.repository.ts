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
import { binaryVector, json, takesBinaryVectors, type Db } from '../database.js';
import type { CollectionRow, Database, DocumentRow } from '../tables/index.js';

/** What this database can do with vectors: pgvector's schema and version, if installed. */
export interface VectorSupport {
  /** Whether `chunk.embedding` exists (the migration found pgvector). */
  readonly available: boolean;
  /** Schema of the extension, to qualify its type and operator outside the search path. */
  readonly schema: string;
  /** pgvector ≥ 0.8: HNSW scans can go on past a filter (`hnsw.iterative_scan`). */
  readonly iterativeScan: boolean;
  /** Vectors go to the database in pgvector's binary form rather than as text it must parse (PGlite). */
  readonly binary: boolean;
}

/**
 * How collections' HNSW indexes are built and searched, chosen on 100,000 clustered chunks of 384
 * dimensions (`npm run bench -- retrieval`) for recall@10 ≥ 0.95 against an exact scan. Indexes
 * built before keep the settings they were built with.
 */
export const HNSW = {
  /** Neighbours a node keeps per layer (pgvector's default). */
  m: 16,
  /**
   * Candidates kept while building. pgvector's default, 64, gave recall 0.91 at ef_search 40 and
   * 0.95 only at 150; 128 gives 0.95–0.97 at 40, for half as long again to build.
   */
  efConstruction: 128,
  /**
   * Candidates a search keeps (pgvector's default is 40), never fewer than the results asked for.
   * 100 gave recall 0.98–0.99 (graphs differ from build to build: levels are drawn at random);
   * little of a search's time goes to these, most is fixed cost.
   */
  efSearch: 100,
} as const;

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
      return { available: column.rows[0]?.ok === true && row !== undefined, schema: row?.schema ?? 'public', iterativeScan: major > 0 || minor >= 8, binary: takesBinaryVectors(db) };
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

/**
 * A vector parameter: in pgvector's binary form where the driver sends it so, else as its text
 * form, passed as text and cast (postgres.js has no vector type).
 */
function vectorValue(v: VectorSupport, vector: readonly number[], dimensions?: number): RawBuilder<string> {
  if (!vector.every(Number.isFinite)) throw new Error('a vector holds a value that is not a finite number');
  const type = dimensions === undefined ? sql.id(v.schema, 'vector') : vectorType(v, dimensions);
  if (v.binary) return sql<string>`cast(${binaryVector(vector)} as ${type})`;
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
    if (v.available) await createVectorIndex(v, inserted).execute(tx);
    return { collection: toCollection(inserted), created: true };
  });
}

/** A collection's HNSW index, partial on its id (a no-op where it exists). */
function createVectorIndex(v: VectorSupport, collection: Pick<CollectionRow, 'id' | 'dimensions'>): RawBuilder<unknown> {
  const opclass = sql.raw(`"${v.schema.replaceAll('"', '""')}".vector_cosine_ops`);
  return sql`create index if not exists ${sql.id(vectorIndexName(collection.id))} on chunk
    using hnsw ((embedding::${vectorType(v, collection.dimensions)}) ${opclass}) with (m = ${sql.lit(HNSW.m)}, ef_construction = ${sql.lit(HNSW.efConstruction)})
    where collection_id = ${sql.lit(checkedId(collection.id))}`;
}

/**
 * Memory an HNSW build of `rows` vectors needs to keep its graph in memory (it slows down
 * several times once the graph spills): the vector, its neighbour lists and bookkeeping (about
 * 2,100 bytes a vector at 384 dimensions and m 16 on PGlite), with room to spare, in 64 MB steps.
 */
export function indexBuildMemoryMb(rows: number, dimensions: number): number {
  const bytes = rows * (4 * dimensions + 24 * HNSW.m + 256) * 1.25;
  // At most 1 GB: PGlite's WASM memory ends at 2 GB. A bigger graph spills, and builds slower.
  return Math.min(1024, Math.max(64, Math.ceil(bytes / 2 ** 26) * 64));
}

/**
 * Drops a collection's vector index, so that a bulk load does not insert every chunk into the
 * graph one at a time; {@link buildVectorIndex} builds it again.
 */
export async function dropVectorIndex(db: Db, collectionId: string): Promise<void> {
  await sql`drop index if exists ${sql.id(vectorIndexName(collectionId))}`.execute(db);
}

/**
 * Builds a collection's vector index if it is missing, over the chunks it holds; then merges the
 * full-text index's pending entries and refreshes the planner's statistics of the chunk table
 * (PGlite runs no autovacuum to do either). The build gets the memory its graph needs
 * (`maintenance_work_mem`, raised for this transaction only).
 */
export async function buildVectorIndex(db: Db, collectionId: string): Promise<void> {
  const v = await vectorSupport(db);
  if (v.available) {
    const collection = await db.selectFrom('collection').select(['id', 'dimensions']).where('id', '=', collectionId).executeTakeFirst();
    if (!collection) return;
    await db.transaction().execute(async (tx) => {
      const { count } = await tx.selectFrom('chunk').select(sql<string>`count(*)`.as('count')).where('collection_id', '=', collectionId).executeTakeFirstOrThrow();
      const memory = `${indexBuildMemoryMb(Number(count), collection.dimensions)}MB`;
      // Raised, never lowered: a server configured with more keeps it.
      await sql`select set_config('maintenance_work_mem', ${memory}, true) where pg_size_bytes(current_setting('maintenance_work_mem')) < pg_size_bytes(${memory})`.execute(tx);
      await createVectorIndex(v, collection).execute(tx);
    });
  }
  await sql`select gin_clean_pending_list('chunk_tsv_idx'::regclass)`.execute(db);
  await sql`analyze chunk`.execute(db);
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

/** Chunk rows per insert statement: well under PostgreSQL's 65535 parameters (10 a row). */
const CHUNK_BATCH = 1000;
/** Document rows per insert statement. */
const DOCUMENT_BATCH = 1000;

/**
 * Stores documents and their chunks with multi-row inserts. A document whose key is taken is not
 * stored again: the stored one stands in for it. Returns the documents in the order given.
 */
async function insertDocuments(tx: Db, v: VectorSupport, collectionId: string, docs: readonly NewDocument[]): Promise<KnowledgeDocument[]> {
  const stored: KnowledgeDocument[] = [];
  for (let i = 0; i < docs.length; i += DOCUMENT_BATCH) {
    const batch = docs.slice(i, i + DOCUMENT_BATCH).map((doc) => ({ doc, id: `doc_${randomBytes(8).toString('hex')}` }));
    const inserted = await tx
      .insertInto('document')
      .values(batch.map(({ doc, id }) => ({ id, collection_id: collectionId, key: doc.key ?? null, title: doc.title, source: doc.source, metadata: json(doc.metadata), chunks: doc.chunks.length })))
      .onConflict((oc) => oc.columns(['collection_id', 'key']).doNothing())
      .returningAll()
      .execute();
    const byId = new Map(inserted.map((r) => [r.id, toDocument(r)]));
    const taken = batch.filter(({ id }) => !byId.has(id)).map(({ doc }) => doc.key!);
    const existing = taken.length === 0 ? [] : await tx.selectFrom('document').selectAll().where('collection_id', '=', collectionId).where('key', 'in', taken).execute();
    const byKey = new Map(existing.map((r) => [r.key!, toDocument(r)]));
    stored.push(...batch.map(({ doc, id }) => byId.get(id) ?? byKey.get(doc.key!)!));

    const rows = batch
      .filter(({ id }) => byId.has(id))
      .flatMap(({ doc, id }) =>
        doc.chunks.map((c) => ({
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
        })),
      );
    for (let j = 0; j < rows.length; j += CHUNK_BATCH) await tx.insertInto('chunk').values(rows.slice(j, j + CHUNK_BATCH)).execute();
  }
  return stored;
}

/** Stores a document and its chunks in one transaction; a document whose key is taken is returned as stored. */
export async function addDocument(db: Db, collectionId: string, doc: NewDocument): Promise<KnowledgeDocument> {
  const v = await vectorSupport(db);
  return db.transaction().execute(async (tx) => (await insertDocuments(tx, v, collectionId, [doc]))[0]!);
}

/** Chunks a load must bring, and at least as many as the collection holds, for its index to be rebuilt rather than updated. */
const REBUILD_FROM = 10_000;

/** Where a bulk load is: storing chunks, or (re)building the vector index. */
export interface BulkProgress {
  readonly phase: 'load' | 'index';
  /** Chunks of the documents handled so far. */
  readonly chunks: number;
}

/**
 * Stores many documents at once, all or nothing, as {@link addDocument} stores one. A load that
 * at least doubles a collection (and brings 10,000 chunks or more) drops the vector index first
 * and builds it after: building an HNSW graph over all rows is several times faster than
 * inserting rows into it one by one. Meanwhile writes to the chunk table wait, and searches of
 * this collection scan it.
 */
export async function addDocuments(db: Db, collectionId: string, docs: readonly NewDocument[], opts: { onProgress?: (p: BulkProgress) => void } = {}): Promise<KnowledgeDocument[]> {
  const v = await vectorSupport(db);
  const incoming = docs.reduce((n, d) => n + d.chunks.length, 0);
  let rebuild = false;
  if (v.available && incoming >= REBUILD_FROM) {
    const { count } = await db.selectFrom('chunk').select(sql<string>`count(*)`.as('count')).where('collection_id', '=', collectionId).executeTakeFirstOrThrow();
    rebuild = incoming >= Number(count);
  }
  if (rebuild) await dropVectorIndex(db, collectionId);
  let stored: KnowledgeDocument[];
  try {
    stored = await db.transaction().execute(async (tx) => {
      const out: KnowledgeDocument[] = [];
      let chunks = 0;
      // Batches of documents, so that progress can be told as the load goes.
      for (let i = 0; i < docs.length; i += DOCUMENT_BATCH) {
        opts.onProgress?.({ phase: 'load', chunks });
        const batch = docs.slice(i, i + DOCUMENT_BATCH);
        out.push(...(await insertDocuments(tx, v, collectionId, batch)));
        chunks += batch.reduce((n, d) => n + d.chunks.length, 0);
      }
      return out;
    });
  } catch (e) {
    // The load stored nothing; the collection gets its index back as it was. Should that fail
    // too, its error is the one to see: searches of the collection would scan.
    if (rebuild) await buildVectorIndex(db, collectionId);
    throw e;
  }
  if (rebuild) {
    opts.onProgress?.({ phase: 'index', chunks: incoming });
    await buildVectorIndex(db, collectionId);
  }
  return stored;
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
 * The document of each hit, looked up by key per hit: the `limit` keeps the planner from
 * flattening the lookup into a join it might hash over the whole document table.
 */
const DOCUMENT_OF_HIT = sql`cross join lateral (select d.title, d.source from document d where d.id = h.document_id limit 1) d`;

/**
 * The nearest-chunks query as the repository runs it (exported so tests can EXPLAIN it).
 * `collection_id` is a literal and the distance is the indexed expression, so the planner can
 * use the collection's HNSW index; ordering by the output column names the query vector once,
 * so it is read once. The chunks' documents are looked up after the limit.
 */
export function vectorSearchQuery(v: VectorSupport, collection: Pick<KnowledgeCollection, 'id' | 'dimensions'>, vector: readonly number[], q: ChunkQuery): RawBuilder<ChunkSelect & { title: string | null; source: string | null; score: number }> {
  return sql`select h.*, d.title, d.source, 1 - h.distance as score from (
      select c.id, c.document_id, c.position, c.heading, c.start, c."end", c.text, c.metadata, ${distance(v, collection.dimensions, vector)} as distance
      from chunk c
      where c.collection_id = ${sql.lit(checkedId(collection.id))} and c.embedding is not null ${metadataFilter(q.filter)}
      order by distance
      limit ${q.topK}
    ) h ${DOCUMENT_OF_HIT}
    order by h.distance, h.id`;
}

/** Collections' dimensions by id, per handle: an id is never used again, and its dimensions never change. */
const dimensionsById = new WeakMap<Db, Map<string, number>>();

/** A collection's dimensions, read once per handle (a search saves a round trip); undefined if there is no such collection. */
async function collectionDimensions(db: Db, collectionId: string): Promise<number | undefined> {
  let known = dimensionsById.get(db);
  if (!known) dimensionsById.set(db, (known = new Map()));
  if (!known.has(collectionId)) {
    const row = await db.selectFrom('collection').select('dimensions').where('id', '=', collectionId).executeTakeFirst();
    if (!row) return undefined;
    known.set(collectionId, row.dimensions);
  }
  return known.get(collectionId);
}

/** Nearest chunks by cosine distance; score = cosine similarity; none for a collection that is gone. */
export async function searchVector(db: Db, collectionId: string, vector: readonly number[], q: ChunkQuery): Promise<ChunkHit[]> {
  const v = await vectorSupport(db);
  if (!v.available) throw new Error('pgvector is not installed on this database');
  const dimensions = await collectionDimensions(db, collectionId);
  if (dimensions === undefined) return [];
  const collection = { id: collectionId, dimensions };
  if (vector.length !== dimensions) throw new Error(`the query vector has ${vector.length} dimensions; the collection has ${dimensions}`);
  return db.transaction().execute(async (tx) => {
    // An HNSW scan yields ef_search candidates; with a filter, keep scanning until topK pass it.
    await sql`select set_config('hnsw.ef_search', ${String(Math.min(1000, Math.max(HNSW.efSearch, q.topK)))}, true)`.execute(tx);
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
  const { rows } = await textSearchQuery(collectionId, query, q).execute(db);
  return rows.map(toHit);
}

/**
 * The full-text query as the repository runs it, for an OR query of words (exported so tests can
 * EXPLAIN it): the GIN index on `tsv` finds the matching chunks, and only those are ranked.
 */
export function textSearchQuery(collectionId: string, query: string, q: ChunkQuery): RawBuilder<ChunkSelect & { title: string | null; source: string | null; score: number }> {
  return sql`select h.*, d.title, d.source from (
      select c.id, c.document_id, c.position, c.heading, c.start, c."end", c.text, c.metadata, ts_rank_cd(c.tsv, q, 32) as score
      from chunk c, to_tsquery('english', ${query}) q
      where c.collection_id = ${collectionId} and c.tsv @@ q ${metadataFilter(q.filter)}
      order by score desc, c.id
      limit ${q.topK}
    ) h ${DOCUMENT_OF_HIT}
    order by h.score desc, h.id`;
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
