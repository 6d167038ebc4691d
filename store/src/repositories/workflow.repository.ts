import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { behaviouralContent, canonicalJson, type Workflow } from '@weft/schemas';
import { json, type Db } from '../database.js';

/** Content hash of a document: sha256 of its canonical behavioural content. */
export function workflowHash(doc: Workflow): string {
  return createHash('sha256').update(canonicalJson(behaviouralContent(doc))).digest('hex');
}

/** A workflow's row joined with one of its versions. */
export interface StoredWorkflow {
  readonly id: string;
  readonly name: string;
  readonly version: number;
  readonly hash: string;
  readonly document: Workflow;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** Creates a workflow with its first version, atomically. */
export async function createWorkflow(db: Db, w: { id: string; document: Workflow; hash: string; createdBy: string | null; message?: string | null }): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await tx.insertInto('workflow').values({ id: w.id, name: w.document.name, latest_version: 1 }).execute();
    await tx
      .insertInto('workflow_version')
      .values({ workflow_id: w.id, version: 1, hash: w.hash, document: json(w.document), created_by: w.createdBy, message: w.message ?? null })
      .execute();
  });
}

/** Appends a new immutable version; returns its number, or `undefined` when the workflow does not exist. */
export async function addVersion(db: Db, w: { id: string; document: Workflow; hash: string; createdBy: string | null; message?: string | null }): Promise<number | undefined> {
  return db.transaction().execute(async (tx) => {
    // The row lock serialises concurrent saves so version numbers never collide.
    const row = await tx.selectFrom('workflow').select('latest_version').where('id', '=', w.id).forUpdate().executeTakeFirst();
    if (!row) return undefined;
    const version = row.latest_version + 1;
    await tx
      .insertInto('workflow_version')
      .values({ workflow_id: w.id, version, hash: w.hash, document: json(w.document), created_by: w.createdBy, message: w.message ?? null })
      .execute();
    await tx.updateTable('workflow').set({ latest_version: version, name: w.document.name, updated_at: sql<Date>`now()` }).where('id', '=', w.id).execute();
    return version;
  });
}

/** A workflow at its latest version (or at `version`). */
export async function findWorkflow(db: Db, id: string, version?: number): Promise<StoredWorkflow | undefined> {
  const row = await db
    .selectFrom('workflow as w')
    .innerJoin('workflow_version as v', (j) =>
      j.onRef('v.workflow_id', '=', 'w.id').on('v.version', '=', version === undefined ? sql.ref<number>('w.latest_version') : sql.lit(version)),
    )
    .select(['w.id', 'w.name', 'v.version', 'v.hash', 'v.document', 'w.created_at', 'w.updated_at'])
    .where('w.id', '=', id)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    id: row.id,
    name: row.name,
    version: row.version,
    hash: row.hash,
    document: row.document,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Every workflow, most recently changed first, with its newest run. */
export async function listWorkflows(db: Db, page: { limit?: number; after?: readonly [string, string] } = {}) {
  let q = db
    .selectFrom('workflow as w')
    .leftJoinLateral(
      (eb) => eb.selectFrom('run').select(['run.id', 'run.status', 'run.created_at']).whereRef('run.workflow_id', '=', 'w.id').orderBy('run.created_at', 'desc').limit(1).as('r'),
      (j) => j.onTrue(),
    )
    .select(['w.id', 'w.name', 'w.latest_version', 'w.updated_at', 'r.id as run_id', 'r.status as run_status', 'r.created_at as run_created_at'])
    // Full precision, for the cursor: a JS Date keeps milliseconds only.
    .select(sql<string>`w.updated_at::text`.as('sort_at'));
  if (page.after) q = q.where(sql<boolean>`(w.updated_at, w.id) < (${page.after[0]}::timestamptz, ${page.after[1]})`);
  return q
    .orderBy('w.updated_at', 'desc')
    .orderBy('w.id', 'desc')
    .limit(page.limit ?? 200)
    .execute();
}

/** Finds a workflow id by name (the first created), for seeding examples once. */
export async function findWorkflowIdByName(db: Db, name: string): Promise<string | undefined> {
  const row = await db.selectFrom('workflow').select('id').where('name', '=', name).orderBy('created_at').executeTakeFirst();
  return row?.id;
}

/** Every version of a workflow, newest first (documents left out). */
export async function listVersions(db: Db, id: string, page: { limit?: number; before?: number } = {}) {
  let q = db.selectFrom('workflow_version').select(['version', 'hash', 'created_at', 'created_by', 'message']).where('workflow_id', '=', id);
  if (page.before !== undefined) q = q.where('version', '<', page.before);
  return q.orderBy('version', 'desc').limit(page.limit ?? 10_000).execute();
}
