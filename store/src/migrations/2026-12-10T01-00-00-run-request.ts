import { sql, type Kysely } from 'kysely';

// Frozen: never edit a migration that has shipped; add a new one.

export async function up(db: Kysely<any>): Promise<void> {
  // The HTTP request a webhook run was started with, so a run whose start was lost can be
  // started again with exactly the input it was first given.
  await db.schema.alterTable('run').addColumn('request', 'jsonb').execute();
  // The reconciler looks for queued runs often; few runs are queued at any time.
  await sql`create index run_queued_idx on run (created_at) where status = 'queued'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('run_queued_idx').execute();
  await db.schema.alterTable('run').dropColumn('request').execute();
}
