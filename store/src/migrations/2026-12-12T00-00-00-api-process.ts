import type { Kysely } from 'kysely';

// Frozen: never edit a migration that has shipped; add a new one.

export async function up(db: Kysely<any>): Promise<void> {
  // One row per running API process, beaten every few seconds (database time: the processes may
  // run on several machines), so a process can tell whether the holder of a claim is still alive.
  await db.schema
    .createTable('api_process')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('seen_at', 'timestamptz', (c) => c.notNull())
    .execute();
  // The process that claimed the key; null for keys claimed before processes were recorded.
  await db.schema.alterTable('idempotency_key').addColumn('holder', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('idempotency_key').dropColumn('holder').execute();
  await db.schema.dropTable('api_process').execute();
}
