import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { canonicalJson } from '@weft/schemas';
import { json, type Db } from '../database.js';
import type { AuditEventRow } from '../tables/index.js';

/** The hash the chain starts from. */
export const GENESIS_HASH = '0'.repeat(64);

/** What an audit event says. */
export interface AuditEntry {
  readonly actor: string;
  readonly action: string;
  readonly target: string;
  readonly details?: Record<string, unknown>;
}

/** The hash of one event, chained to the one before it. */
export function auditHash(prevHash: string, e: { at: string; actor: string; action: string; target: string; details: unknown }): string {
  return createHash('sha256').update(prevHash).update(canonicalJson({ at: e.at, actor: e.actor, action: e.action, target: e.target, details: e.details })).digest('hex');
}

/**
 * Appends an event to the audit log, chained to the newest one. The table is append-only: this
 * module has no update or delete. Appends are serialised so the chain never forks.
 */
export async function appendAudit(db: Db, entry: AuditEntry): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await sql`lock table audit_event in share row exclusive mode`.execute(tx);
    const last = await tx.selectFrom('audit_event').select('hash').orderBy('id', 'desc').limit(1).executeTakeFirst();
    const prev = last?.hash ?? GENESIS_HASH;
    const at = new Date().toISOString();
    const details = entry.details ?? {};
    const hash = auditHash(prev, { at, actor: entry.actor, action: entry.action, target: entry.target, details });
    await tx.insertInto('audit_event').values({ at, actor: entry.actor, action: entry.action, target: entry.target, details: json(details), prev_hash: prev, hash }).execute();
  });
}

/** Audit events, newest first. */
export async function listAudit(db: Db, f: { target?: string; action?: string; limit?: number } = {}): Promise<AuditEventRow[]> {
  let q = db.selectFrom('audit_event').selectAll();
  if (f.target) q = q.where('target', '=', f.target);
  if (f.action) q = q.where('action', '=', f.action);
  return q.orderBy('id', 'desc').limit(f.limit ?? 100).execute();
}
