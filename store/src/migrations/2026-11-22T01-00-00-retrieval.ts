import { sql, type Kysely } from 'kysely';

// Frozen: never edit a migration that has shipped; add a new one.

export async function up(db: Kysely<any>): Promise<void> {
  // pgvector may be missing (a PostgreSQL server without the extension): then the tables are
  // made without the embedding column, and only full-text search works on them.
  const available = await sql<{ ok: boolean }>`select exists (select 1 from pg_available_extensions where name = 'vector') as ok`.execute(db);
  let vectorType: ReturnType<typeof sql.id> | undefined;
  if (available.rows[0]?.ok === true) {
    await sql`create extension if not exists vector`.execute(db);
    // Named with its schema: the extension may live outside this database user's search path.
    const ns = await sql<{ nspname: string }>`select n.nspname from pg_extension e join pg_namespace n on n.oid = e.extnamespace where e.extname = 'vector'`.execute(db);
    vectorType = sql.id(ns.rows[0]!.nspname, 'vector');
  }

  await db.schema
    .createTable('collection')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('embedder', 'text', (c) => c.notNull())
    .addColumn('dimensions', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('document')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('collection_id', 'text', (c) => c.notNull().references('collection.id').onDelete('cascade'))
    // Idempotency key of the ingest that stored it, so a retried ingest finds it.
    .addColumn('key', 'text')
    .addColumn('title', 'text')
    .addColumn('source', 'text')
    .addColumn('metadata', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('chunks', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('document_collection_key_unique', ['collection_id', 'key'])
    .execute();
  await db.schema.createIndex('document_collection_idx').on('document').columns(['collection_id', 'created_at']).execute();

  let chunk = db.schema
    .createTable('chunk')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('document_id', 'text', (c) => c.notNull().references('document.id').onDelete('cascade'))
    .addColumn('collection_id', 'text', (c) => c.notNull().references('collection.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('heading', 'text')
    .addColumn('start', 'integer', (c) => c.notNull())
    .addColumn('end', 'integer', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('metadata', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('tsv', sql`tsvector`, (c) => c.generatedAlwaysAs(sql`to_tsvector('english', text)`).stored());
  // No fixed dimension: collections may use different embedders. Each collection gets its own
  // HNSW index over `embedding::vector(N)` when it is created.
  if (vectorType) chunk = chunk.addColumn('embedding', sql`${vectorType}`);
  await chunk.execute();
  await db.schema.createIndex('chunk_document_idx').on('chunk').columns(['document_id', 'position']).execute();
  await db.schema.createIndex('chunk_collection_idx').on('chunk').column('collection_id').execute();
  await db.schema.createIndex('chunk_tsv_idx').on('chunk').using('gin').column('tsv').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('chunk').execute();
  await db.schema.dropTable('document').execute();
  await db.schema.dropTable('collection').execute();
}
