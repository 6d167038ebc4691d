import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { json, type Db } from '../database.js';
import type { IdempotencyKeyRow } from '../tables/index.js';

/** A request as its Idempotency-Key row records it. */
export interface IdempotentRequest {
  readonly scope: string;
  readonly key: string;
  readonly method: string;
  readonly path: string;
  readonly requestHash: string;
}

/** An answer kept for replay; `body` null when it is not kept (it showed a secret once). */
export interface StoredResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | null;
}

/** How a claim is held and when it may be taken over. */
export interface ClaimOptions {
  /** How long a key and its answer are kept: an older row is taken over as if free, with a new claim. */
  readonly ttlMs: number;
  /** How long a request may hold its key unfinished before a repeat takes it over. Default `ttlMs`. */
  readonly leaseMs?: number;
  /** The `api_process` claiming the key, recorded as its holder; none leaves the holder unknown. */
  readonly holder?: string;
  /** How long a holder may go without a beat before a repeat takes its key over. Default `leaseMs`. */
  readonly deadAfterMs?: number;
}

/**
 * Claims `(scope, key)` for a request about to run, atomically: answers `{ claimed: true }` when
 * the key was free (or its row older than `ttlMs`: taken over with a new claim), or held for the
 * same request by a process that died (still in progress after `leaseMs`, or its holder not seen
 * for `deadAfterMs`: taken over with the same claim), else the row another request holds (in
 * progress, or done with its answer). A row of an unknown holder waits for its lease.
 */
export async function claimIdempotencyKey(db: Db, r: IdempotentRequest, o: ClaimOptions): Promise<{ claimed: true; claimId: string } | { claimed: false; row: IdempotencyKeyRow }> {
  const leaseMs = o.leaseMs ?? o.ttlMs;
  const deadAfterMs = o.deadAfterMs ?? leaseMs;
  const fresh = randomBytes(12).toString('hex');
  const holder = o.holder ?? null;
  const values = { scope: r.scope, key: r.key, method: r.method, path: r.path, request_hash: r.requestHash, claim_id: fresh, state: 'in_progress' as const, holder };
  const cutoff = sql<Date>`now() - make_interval(secs => ${o.ttlMs / 1000})`;
  const leaseCutoff = sql<Date>`now() - make_interval(secs => ${leaseMs / 1000})`;
  const deadCutoff = sql<Date>`now() - make_interval(secs => ${deadAfterMs / 1000})`;
  // Twice at most: the row seen on conflict may be deleted before it is read (its request failed with a 5xx).
  for (let attempt = 0; ; attempt++) {
    const inserted = await db
      .insertInto('idempotency_key')
      .values(values)
      // An expired row not yet pruned is taken over rather than replayed.
      .onConflict((oc) =>
        oc
          .columns(['scope', 'key'])
          .doUpdateSet({
            method: r.method,
            path: r.path,
            request_hash: r.requestHash,
            // Taken over from a request that died unfinished: the same claim, so the same run.
            claim_id: sql<string>`case when idempotency_key.created_at <= ${cutoff} then ${fresh} else idempotency_key.claim_id end`,
            state: 'in_progress',
            response_status: null,
            response_headers: null,
            response_body: null,
            created_at: sql<Date>`now()`,
            holder,
          })
          // So is the same request left unfinished by a process that died: past its lease, or its
          // holder no longer beating (a null holder is unknown, not dead: only the lease frees it).
          .where((eb) =>
            eb.or([
              eb('idempotency_key.created_at', '<=', cutoff),
              eb.and([
                eb('idempotency_key.state', '=', 'in_progress'),
                eb('idempotency_key.request_hash', '=', r.requestHash),
                eb.or([
                  eb('idempotency_key.created_at', '<=', leaseCutoff),
                  eb.and([
                    eb('idempotency_key.holder', 'is not', null),
                    eb.not(
                      eb.exists(
                        eb
                          .selectFrom('api_process')
                          .select(sql<number>`1`.as('alive'))
                          .whereRef('api_process.id', '=', 'idempotency_key.holder')
                          .where('api_process.seen_at', '>', deadCutoff),
                      ),
                    ),
                  ]),
                ]),
              ]),
            ]),
          ),
      )
      .returning('claim_id')
      .executeTakeFirst();
    if (inserted) return { claimed: true, claimId: inserted.claim_id };
    const row = await db.selectFrom('idempotency_key').selectAll().where('scope', '=', r.scope).where('key', '=', r.key).executeTakeFirst();
    if (row) return { claimed: false, row };
    if (attempt >= 1) throw new Error(`idempotency key ${r.key} was claimed and released twice while being claimed`);
  }
}

/** Stores the answer of a claimed key, for its repeats to replay. */
export async function completeIdempotencyKey(db: Db, at: { scope: string; key: string }, res: StoredResponse): Promise<void> {
  await db
    .updateTable('idempotency_key')
    .set({ state: 'done', response_status: res.status, response_headers: json(res.headers), response_body: res.body })
    .where('scope', '=', at.scope)
    .where('key', '=', at.key)
    .execute();
}

/** Frees a claimed key whose request failed in a way a retry may fix, so the retry runs again. */
export async function releaseIdempotencyKey(db: Db, at: { scope: string; key: string }): Promise<void> {
  await db.deleteFrom('idempotency_key').where('scope', '=', at.scope).where('key', '=', at.key).execute();
}

/** Deletes the keys older than `ttlMs`; answers how many. */
export async function pruneIdempotencyKeys(db: Db, ttlMs: number): Promise<number> {
  const res = await db
    .deleteFrom('idempotency_key')
    .where('created_at', '<=', sql<Date>`now() - make_interval(secs => ${ttlMs / 1000})`)
    .executeTakeFirst();
  return Number(res.numDeletedRows);
}
