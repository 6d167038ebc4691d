import { sql, type Kysely } from 'kysely';

// Frozen: never edit a migration that has shipped; add a new one.

export async function up(db: Kysely<any>): Promise<void> {
  // New chunks wait in the GIN index's pending list, which every full-text search reads through
  // from end to end; PGlite runs no autovacuum to merge it, so it grew to the 4 MB default and a
  // search over 20,000 chunks took 20 ms instead of 4. A short list is merged often, in bulk.
  await sql`alter index chunk_tsv_idx set (gin_pending_list_limit = 256)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter index chunk_tsv_idx reset (gin_pending_list_limit)`.execute(db);
}
