import { sql, type Kysely } from 'kysely';

// Frozen: never edit a migration that has shipped; add a new one.

export async function up(db: Kysely<any>): Promise<void> {
  // What started a run beyond its kind: the schedule id or the webhook path.
  await db.schema.alterTable('run').addColumn('trigger_ref', 'text').execute();
  await db.schema.createIndex('run_trigger_idx').on('run').columns(['trigger', 'trigger_ref', 'created_at']).execute();

  // A Temporal Schedule that starts runs of a workflow; Temporal holds the timing, this row the binding.
  // No foreign key to workflow: a binding may outlive its workflow, and its firings then fail clearly.
  await db.schema
    .createTable('schedule')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workflow_id', 'text', (c) => c.notNull())
    .addColumn('spec', 'jsonb', (c) => c.notNull())
    .addColumn('timezone', 'text', (c) => c.notNull())
    .addColumn('overlap', 'text', (c) => c.notNull())
    .addColumn('input', 'jsonb')
    .addColumn('note', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('created_by', 'text')
    .execute();
  await db.schema.createIndex('schedule_workflow_idx').on('schedule').column('workflow_id').execute();

  // A signed HTTP endpoint that starts runs of a workflow; the signing secret is encrypted.
  await db.schema
    .createTable('webhook')
    .addColumn('path', 'text', (c) => c.primaryKey())
    .addColumn('workflow_id', 'text', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('timeout_ms', 'integer', (c) => c.notNull())
    .addColumn('headers', 'jsonb', (c) => c.notNull())
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('created_by', 'text')
    .addColumn('rotated_at', 'timestamptz')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('webhook').execute();
  await db.schema.dropTable('schedule').execute();
  await db.schema.dropIndex('run_trigger_idx').execute();
  await db.schema.alterTable('run').dropColumn('trigger_ref').execute();
}
