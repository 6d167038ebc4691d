import { sql } from 'kysely';
import { json, type Db } from '../database.js';
import type { ScheduleRow, WebhookRow } from '../tables/index.js';

/** Records the binding of a new Temporal Schedule to a workflow. */
export async function insertSchedule(
  db: Db,
  s: { id: string; workflowId: string; spec: { cron: string[]; every: string[] }; timezone: string; overlap: string; input: unknown; note: string | null; createdBy: string | null },
): Promise<ScheduleRow> {
  return db
    .insertInto('schedule')
    .values({ id: s.id, workflow_id: s.workflowId, spec: json(s.spec), timezone: s.timezone, overlap: s.overlap, input: json(s.input ?? null), note: s.note, created_by: s.createdBy })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Schedules by id (ids sort by creation), optionally of one workflow, after a cursor id. */
export async function listSchedules(db: Db, f: { workflowId?: string; after?: string; limit?: number } = {}): Promise<ScheduleRow[]> {
  let q = db.selectFrom('schedule').selectAll();
  if (f.workflowId) q = q.where('workflow_id', '=', f.workflowId);
  if (f.after !== undefined) q = q.where('id', '>', f.after);
  q = q.orderBy('id');
  return (f.limit ? q.limit(f.limit) : q).execute();
}

/** One schedule by id. */
export async function findSchedule(db: Db, id: string): Promise<ScheduleRow | undefined> {
  return db.selectFrom('schedule').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Deletes a schedule's row; says whether there was one. */
export async function deleteSchedule(db: Db, id: string): Promise<boolean> {
  const res = await db.deleteFrom('schedule').where('id', '=', id).executeTakeFirst();
  return Number(res.numDeletedRows) > 0;
}

/** Records a webhook with its encrypted signing secret; `undefined` when the path is taken. */
export async function insertWebhook(
  db: Db,
  w: { path: string; workflowId: string; mode: string; timeoutMs: number; headers: readonly string[]; secret: string; keyId: string; createdBy: string | null },
): Promise<WebhookRow | undefined> {
  return db
    .insertInto('webhook')
    .values({ path: w.path, workflow_id: w.workflowId, mode: w.mode, timeout_ms: w.timeoutMs, headers: json(w.headers), secret: w.secret, key_id: w.keyId, created_by: w.createdBy })
    .onConflict((oc) => oc.column('path').doNothing())
    .returningAll()
    .executeTakeFirst();
}

/** The name a webhook's signing secret is encrypted under: binds the stored value to its webhook. */
export const webhookSecretName = (path: string): string => `webhook:${path}`;

/** Webhooks by path, after a cursor path. */
export async function listWebhooks(db: Db, f: { after?: string; limit?: number } = {}): Promise<WebhookRow[]> {
  let q = db.selectFrom('webhook').selectAll();
  if (f.after !== undefined) q = q.where('path', '>', f.after);
  q = q.orderBy('path');
  return (f.limit ? q.limit(f.limit) : q).execute();
}

/** One webhook by path. */
export async function findWebhook(db: Db, path: string): Promise<WebhookRow | undefined> {
  return db.selectFrom('webhook').selectAll().where('path', '=', path).executeTakeFirst();
}

/** Replaces a webhook's encrypted secret; `undefined` when there is no such webhook. */
export async function replaceWebhookSecret(db: Db, w: { path: string; secret: string; keyId: string }): Promise<WebhookRow | undefined> {
  return db.updateTable('webhook').set({ secret: w.secret, key_id: w.keyId, rotated_at: sql<Date>`now()` }).where('path', '=', w.path).returningAll().executeTakeFirst();
}

/** Deletes a webhook; says whether there was one. */
export async function deleteWebhook(db: Db, path: string): Promise<boolean> {
  const res = await db.deleteFrom('webhook').where('path', '=', path).executeTakeFirst();
  return Number(res.numDeletedRows) > 0;
}

/**
 * Records that a webhook signature was accepted, until `expiresAt`. `false` when it is already
 * recorded and not yet expired: a replay. One statement, so of two processes recording the same
 * signature at once exactly one gets `true`.
 */
export async function rememberWebhookSignature(db: Db, s: { hookPath: string; digest: string; expiresAt: Date }): Promise<boolean> {
  const row = await db
    .insertInto('webhook_signature')
    .values({ hook_path: s.hookPath, digest: s.digest, expires_at: s.expiresAt })
    // An expired row not yet pruned is taken over rather than counted as a replay.
    .onConflict((oc) => oc.columns(['hook_path', 'digest']).doUpdateSet({ expires_at: (eb) => eb.ref('excluded.expires_at') }).where('webhook_signature.expires_at', '<=', sql<Date>`now()`))
    .returning('hook_path')
    .executeTakeFirst();
  return row !== undefined;
}

/** Forgets an accepted signature, so the same request may be sent again (its run could not start). */
export async function forgetWebhookSignature(db: Db, s: { hookPath: string; digest: string }): Promise<void> {
  await db.deleteFrom('webhook_signature').where('hook_path', '=', s.hookPath).where('digest', '=', s.digest).execute();
}

/** Deletes the accepted signatures whose window has passed; answers how many. */
export async function pruneWebhookSignatures(db: Db): Promise<number> {
  const res = await db.deleteFrom('webhook_signature').where('expires_at', '<=', sql<Date>`now()`).executeTakeFirst();
  return Number(res.numDeletedRows);
}
