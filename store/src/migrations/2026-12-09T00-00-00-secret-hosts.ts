import type { Kysely } from 'kysely';

// Frozen: never edit a migration that has shipped; add a new one.

export async function up(db: Kysely<any>): Promise<void> {
  // The destinations a secret may be sent to (canonical patterns, a JSON array). Secrets stored
  // before this migration keep null: they are sent nowhere until an admin binds them.
  await db.schema.alterTable('secret').addColumn('hosts', 'jsonb').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('secret').dropColumn('hosts').execute();
}
