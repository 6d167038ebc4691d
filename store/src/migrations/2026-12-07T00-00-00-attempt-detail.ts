import type { Kysely } from 'kysely';

// Frozen: never edit a migration that has shipped; add a new one.

export async function up(db: Kysely<any>): Promise<void> {
  // What an attempt sent and decided (HTTP request, rendered prompt, route choice), for the run view.
  await db.schema.alterTable('node_run').addColumn('detail', 'jsonb').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('node_run').dropColumn('detail').execute();
}
