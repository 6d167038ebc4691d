import { sql } from 'kysely';
import { FINAL_RUN_STATUSES, type RunStatus } from '@weft/schemas';
import { json, type Db } from '../database.js';
import type { NodeRunRow, RunRow } from '../tables/index.js';

/** Inserts a queued run. */
export async function insertRun(
  db: Db,
  r: { id: string; workflowId: string; version: number; hash: string; input: unknown; trigger: string; createdBy: string | null },
): Promise<void> {
  await db
    .insertInto('run')
    .values({
      id: r.id,
      workflow_id: r.workflowId,
      version: r.version,
      hash: r.hash,
      status: 'queued',
      trigger: r.trigger,
      input: json(r.input),
      temporal_workflow_id: r.id,
      created_by: r.createdBy,
    })
    .execute();
}

/**
 * Moves a run to a new status. A final status is never replaced, so a late or repeated
 * delivery cannot undo the end of a run.
 */
export async function updateRunStatus(db: Db, c: { runId: string; status: RunStatus; output?: unknown; error?: unknown }): Promise<void> {
  const final = FINAL_RUN_STATUSES.includes(c.status);
  await db
    .updateTable('run')
    .set({
      status: c.status,
      ...(c.status === 'running' ? { started_at: sql<Date>`coalesce(started_at, now())` } : {}),
      ...(final ? { finished_at: sql<Date>`now()`, output: json(c.output ?? null), error: json(c.error ?? null) } : {}),
    })
    .where('id', '=', c.runId)
    .where('status', 'not in', [...FINAL_RUN_STATUSES])
    .execute();
}

/** One run by id. */
export async function findRun(db: Db, id: string): Promise<RunRow | undefined> {
  return db.selectFrom('run').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Runs newest first, optionally of one workflow. */
export async function listRuns(db: Db, f: { workflowId?: string; limit: number }) {
  let q = db.selectFrom('run').select(['id', 'workflow_id', 'version', 'status', 'created_at', 'finished_at']);
  if (f.workflowId) q = q.where('workflow_id', '=', f.workflowId);
  return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(f.limit).execute();
}

/** Every recorded attempt of a run, in order. */
export async function listNodeRuns(db: Db, runId: string): Promise<NodeRunRow[]> {
  return db.selectFrom('node_run').selectAll().where('run_id', '=', runId).orderBy('node_id').orderBy('attempt').execute();
}

/**
 * Records the start of an attempt. Earlier attempts of the same node still marked running were
 * lost (the worker died or the attempt timed out): they are closed as failed.
 */
export async function startNodeAttempt(db: Db, a: { runId: string; nodeId: string; nodeType: string; attempt: number; input: unknown }): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await tx
      .updateTable('node_run')
      .set({
        status: 'failed',
        finished_at: sql<Date>`now()`,
        error: json({ type: 'AttemptLost', message: 'the attempt stopped answering (worker lost or timed out) and was retried', retryable: true }),
      })
      .where('run_id', '=', a.runId)
      .where('node_id', '=', a.nodeId)
      .where('phase', '=', 'execute')
      .where('attempt', '<', a.attempt)
      .where('status', '=', 'running')
      .execute();
    await tx
      .insertInto('node_run')
      .values({ run_id: a.runId, node_id: a.nodeId, node_type: a.nodeType, phase: 'execute', attempt: a.attempt, status: 'running', input: json(a.input ?? null) })
      .onConflict((oc) => oc.columns(['run_id', 'node_id', 'phase', 'attempt']).doNothing())
      .execute();
  });
}

/** Records the end of an attempt. */
export async function finishNodeAttempt(
  db: Db,
  a: { runId: string; nodeId: string; attempt: number; status: 'succeeded' | 'failed'; output?: unknown; error?: unknown },
): Promise<void> {
  await db
    .updateTable('node_run')
    .set({ status: a.status, output: json(a.output ?? null), error: json(a.error ?? null), finished_at: sql<Date>`now()` })
    .where('run_id', '=', a.runId)
    .where('node_id', '=', a.nodeId)
    .where('phase', '=', 'execute')
    .where('attempt', '=', a.attempt)
    .execute();
}
