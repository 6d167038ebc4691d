import { sql, type Kysely } from 'kysely';

// Frozen: never edit a migration that has shipped; add a new one.

export async function up(db: Kysely<any>): Promise<void> {
  // Loop items are attempts of the loop node with an item index; -1 is the node itself.
  await db.schema.alterTable('node_run').addColumn('item', 'integer', (c) => c.notNull().defaultTo(-1)).execute();
  await db.schema.alterTable('node_run').addColumn('routes', 'jsonb').execute();
  await db.schema.alterTable('node_run').dropConstraint('node_run_attempt_uq').execute();
  await db.schema.alterTable('node_run').addUniqueConstraint('node_run_attempt_uq', ['run_id', 'node_id', 'phase', 'item', 'attempt']).execute();

  await db.schema.alterTable('run').addColumn('parent_run_id', 'text', (c) => c.references('run.id')).execute();
  await db.schema.alterTable('run').addColumn('parent_node_id', 'text').execute();
  await db.schema.alterTable('run').addColumn('rerun_of', 'text', (c) => c.references('run.id')).execute();

  await db.schema
    .createTable('run_event')
    .addColumn('id', 'bigint', (c) => c.generatedAlwaysAsIdentity().primaryKey())
    .addColumn('run_id', 'text', (c) => c.notNull().references('run.id'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('node_id', 'text')
    .addColumn('attempt', 'integer')
    .addColumn('item', 'integer')
    .addColumn('data', 'jsonb')
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('run_event_run_idx').on('run_event').columns(['run_id', 'id']).execute();

  await db.schema
    .createTable('blob')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('run_id', 'text', (c) => c.notNull().references('run.id'))
    .addColumn('node_id', 'text', (c) => c.notNull())
    .addColumn('bytes', 'integer', (c) => c.notNull())
    .addColumn('data', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('audit_event')
    .addColumn('id', 'bigint', (c) => c.generatedAlwaysAsIdentity().primaryKey())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('details', 'jsonb', (c) => c.notNull())
    .addColumn('prev_hash', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull().unique())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['audit_event', 'blob', 'run_event']) await db.schema.dropTable(t).execute();
  await db.schema.alterTable('run').dropColumn('rerun_of').dropColumn('parent_node_id').dropColumn('parent_run_id').execute();
  await db.schema.alterTable('node_run').dropConstraint('node_run_attempt_uq').execute();
  await db.schema.alterTable('node_run').addUniqueConstraint('node_run_attempt_uq', ['run_id', 'node_id', 'phase', 'attempt']).execute();
  await db.schema.alterTable('node_run').dropColumn('routes').dropColumn('item').execute();
}
