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

/** Filters of `listAudit`. */
export interface AuditFilter {
  readonly target?: string;
  readonly action?: string;
  readonly actor?: string;
  readonly from?: Date;
  readonly to?: Date;
  /** Only events older than this id (the cursor). */
  readonly before?: number;
  readonly limit?: number;
}

/** Audit events, newest first. */
export async function listAudit(db: Db, f: AuditFilter = {}): Promise<AuditEventRow[]> {
  let q = db.selectFrom('audit_event').selectAll();
  if (f.target) q = q.where('target', '=', f.target);
  if (f.action) q = q.where('action', '=', f.action);
  if (f.actor) q = q.where('actor', '=', f.actor);
  if (f.from) q = q.where('at', '>=', f.from);
  if (f.to) q = q.where('at', '<', f.to);
  if (f.before !== undefined) q = q.where('id', '<', f.before);
  return q.orderBy('id', 'desc').limit(f.limit ?? 100).execute();
}

/** What `verifyAuditChain` found: the chain holds, or the first link that does not. */
export type AuditChainResult = { ok: true; count: number } | { ok: false; id: number; reason: string };

/**
 * Recomputes the hash chain from the first event: each event must name the previous event's
 * hash and hash to what it stores. Reads in pages, so a long log needs little memory.
 */
export async function verifyAuditChain(db: Db, pageSize = 1000): Promise<AuditChainResult> {
  let prev = GENESIS_HASH;
  let after = 0;
  let count = 0;
  for (;;) {
    const rows = await db
      .selectFrom('audit_event')
      .select(['id', 'actor', 'action', 'target', 'details', 'prev_hash', 'hash'])
      // The exact stored instant, as the hash saw it when written.
      .select(sql<string>`to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`.as('at_iso'))
      .where('id', '>', after)
      .orderBy('id')
      .limit(pageSize)
      .execute();
    for (const r of rows) {
      const id = Number(r.id);
      if (r.prev_hash !== prev) return { ok: false, id, reason: `event ${id} names ${r.prev_hash.slice(0, 12)}… as the previous hash, but the event before it hashes to ${prev.slice(0, 12)}…` };
      const expected = auditHash(prev, { at: r.at_iso, actor: r.actor, action: r.action, target: r.target, details: r.details });
      if (expected !== r.hash) return { ok: false, id, reason: `event ${id} (${r.action} ${r.target}) does not hash to its stored hash: its content was changed` };
      prev = r.hash;
      after = id;
      count++;
    }
    if (rows.length < pageSize) return { ok: true, count };
  }
}
