import { type Kysely } from 'kysely';

// Frozen: never edit a migration that has shipped; add a new one.

export async function up(db: Kysely<any>): Promise<void> {
  // Webhook signatures already accepted, kept until their timestamp leaves the window, so the
  // same signed request is refused the second time by every process sharing the database.
  // No foreign key to webhook: a deleted hook's rows simply expire.
  await db.schema
    .createTable('webhook_signature')
    .addColumn('hook_path', 'text', (c) => c.notNull())
    .addColumn('digest', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('webhook_signature_pk', ['hook_path', 'digest'])
    .execute();
  await db.schema.createIndex('webhook_signature_expires_idx').on('webhook_signature').column('expires_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('webhook_signature').execute();
}
