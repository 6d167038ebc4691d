import { createHash } from 'node:crypto';
import type { Context, Env, MiddlewareHandler } from 'hono';
import { createMiddleware } from 'hono/factory';
import { API_PROCESS_DEAD_AFTER_MS } from './api-process.js';
import type { Db } from '@weft/store';
import { claimIdempotencyKey, completeIdempotencyKey, pruneIdempotencyKeys, releaseIdempotencyKey } from '@weft/store/repositories/idempotency.repository';
import type { IdempotencyKeyRow } from '@weft/store';
import { apiError } from './errors.js';
import { idempotentSpec, secretOnceSpec } from './openapi.js';
import { log } from '@weft/workers/process';
import { errorMessage } from '@weft/schemas';

/** The request header naming a POST, so that a retry of it is answered with the first answer. */
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
/** The answer header saying an answer is the stored first answer to the same key. */
const REPLAYED_HEADER = 'Idempotent-Replayed';

/** 1–255 printable ASCII characters, as Stripe takes them. */
const KEY = /^[\x20-\x7e]{1,255}$/;
const ISSUE_PATH = 'headers.idempotency-key';
/** The answer headers a replay repeats; the others (security, rate limit) are set afresh. */
const KEPT_HEADERS = ['content-type', 'location'] as const;
/** Refusals of the request itself, before anything ran: a corrected request may reuse the key. */
const NOT_KEPT = new Set([400, 403]);
// Where `secretInAnswer` marks an answer that must not be stored.
const SECRET_IN_ANSWER = 'weft.secretInAnswer';

/** Options of `idempotency`. */
export interface IdempotencyOptions<E extends Env> {
  readonly db: Db;
  /** Whose keys a request uses: `token:<id>`, `hook:<path>`; undefined leaves the request alone. */
  readonly scope: (c: Context<E>) => string | undefined;
  /** How long a key and its answer are kept. Default 24 h. */
  readonly ttlMs?: number;
  /** At most how often (per process) expired keys are deleted, in ms. Default one minute. */
  readonly pruneEveryMs?: number;
  /**
   * How long a request may hold its key unfinished before a repeat may run it again: its process
   * died mid-way. Default 15 minutes, longer than any request waits (a sync webhook's longest).
   */
  readonly leaseMs?: number;
  /**
   * The id of this API process (`startApiProcess`), recorded with each key it claims, so that a
   * repeat sent to another process (or after a restart) may take the key over as soon as this one
   * has stopped beating. Without it a claim is freed by `leaseMs` only.
   */
  readonly holder?: string;
  /** How long the holder of a key may go without a beat before a repeat takes the key over. Default `API_PROCESS_DEAD_AFTER_MS`. */
  readonly deadAfterMs?: number;
}

/** The default of `IdempotencyOptions.leaseMs`. */
const LEASE_MS = 15 * 60 * 1000;
// Where the middleware keeps `idempotentId` for the route.
const IDEMPOTENT_ID = 'weft.idempotentId';

/**
 * Stripe-like idempotent POSTs. A POST with an `Idempotency-Key` header (1–255 printable ASCII
 * characters, else 400) claims the key in its scope before it runs, atomically, so of two
 * concurrent requests only one runs. Its answer is stored, and a repeat with the same key, method,
 * path, query and body gets that answer again, with `Idempotent-Replayed: true`. The same key
 * with another request answers 422 `idempotency_key_reused`; a repeat while the first still runs
 * 409 `idempotency_in_progress` with `Retry-After`, unless the first died unfinished: once the
 * process holding the key has missed its heartbeats (`deadAfterMs`, about 20 s), or after
 * `leaseMs` (15 minutes) at most, a repeat runs it again — under the same claim: run starts take
 * their id from it, so no second run comes of it. Not stored, so the key may be retried: 5xx
 * answers (and thrown errors) and 400/403 refusals. A 2xx of a route marked `secretInAnswer` is
 * remembered without its body: a repeat answers 409 `idempotency_not_replayable`. Keys expire
 * after `ttlMs`. Other methods ignore the header (PUT and DELETE are idempotent already).
 * Meant for every POST of an API rather than a list of "creating" ones: each POST changes or
 * costs something (a run, a cancel, an approval, an ingest), and a second hand-kept list of
 * routes would drift from the routes themselves.
 */
export function idempotency<E extends Env>(o: IdempotencyOptions<E>): MiddlewareHandler<E> {
  const { db } = o;
  const ttlMs = o.ttlMs ?? 24 * 60 * 60 * 1000;
  const pruneEveryMs = o.pruneEveryMs ?? 60_000;
  const leaseMs = o.leaseMs ?? LEASE_MS;
  const deadAfterMs = o.deadAfterMs ?? API_PROCESS_DEAD_AFTER_MS;
  let prunedAt = 0;
  const mw = createMiddleware<E>(async function idempotency(c, next) {
    if (c.req.method !== 'POST') return next();
    const key = c.req.header(IDEMPOTENCY_HEADER);
    if (key === undefined) return next();
    if (!KEY.test(key)) {
      const message = `the ${IDEMPOTENCY_HEADER} header must be 1 to 255 printable ASCII characters`;
      return apiError(c, 400, 'invalid_request', message, [{ path: ISSUE_PATH, message }]);
    }
    const scope = o.scope(c);
    if (scope === undefined) return next();

    const url = new URL(c.req.url);
    const method = c.req.method;
    const path = url.pathname + url.search;
    // Cached by Hono: the route reads the same body afterwards.
    const body = new Uint8Array(await c.req.arrayBuffer());
    const requestHash = createHash('sha256').update(`${method}\n${path}\n`).update(body).digest('hex');
    if (Date.now() - prunedAt >= pruneEveryMs) {
      prunedAt = Date.now();
      await pruneIdempotencyKeys(db, ttlMs);
    }
    const at = { scope, key };
    const claim = await claimIdempotencyKey(db, { ...at, method, path, requestHash }, { ttlMs, leaseMs, deadAfterMs, ...(o.holder === undefined ? {} : { holder: o.holder }) });
    if (!claim.claimed) return repeat(c, claim.row, requestHash);
    c.set(IDEMPOTENT_ID as never, claim.claimId as never);

    try {
      await next();
    } catch (e) {
      await releaseIdempotencyKey(db, at);
      throw e;
    }
    const res = c.res;
    if (res.status >= 500 || NOT_KEPT.has(res.status)) {
      await releaseIdempotencyKey(db, at);
      return;
    }
    const headers: Record<string, string> = {};
    for (const name of KEPT_HEADERS) {
      const value = res.headers.get(name);
      if (value !== null) headers[name] = value;
    }
    const secret = c.get(SECRET_IN_ANSWER as never) === true && res.status < 300;
    try {
      await completeIdempotencyKey(db, at, { status: res.status, headers, body: secret ? null : await res.clone().text() });
    } catch (e) {
      // The request did run: the claim stays (repeats answer 409 until it expires) rather than let a retry run it twice.
      log.error('could not store an idempotent answer', { scope, error: errorMessage(e) });
    }
  });
  return idempotentSpec(mw);
}

/** The answer to a repeated key: the stored answer, or why there is none. */
function repeat(c: Context, row: IdempotencyKeyRow, requestHash: string): Response {
  if (row.request_hash !== requestHash) {
    const message = `the ${IDEMPOTENCY_HEADER} was already used for another request (${row.method} ${row.path}, or another body) in the last 24 hours; send a new key with a new request`;
    return apiError(c, 422, 'idempotency_key_reused', message, [{ path: ISSUE_PATH, message: 'used for another request' }]);
  }
  if (row.state === 'in_progress' || row.response_status === null) {
    c.header('Retry-After', '1');
    return apiError(c, 409, 'idempotency_in_progress', `a request with this ${IDEMPOTENCY_HEADER} is still being handled; retry in a second to get its answer`);
  }
  if (row.response_body === null) {
    return apiError(c, 409, 'idempotency_not_replayable', `a request with this ${IDEMPOTENCY_HEADER} already succeeded (${row.response_status}), but its answer showed a secret once and is not kept; list what it created instead`);
  }
  return new Response(row.response_body, { status: row.response_status, headers: { ...(row.response_headers ?? {}), [REPLAYED_HEADER]: 'true' } });
}

/**
 * The claim of the request's idempotency key (random, 24 hex digits), the same for a repeat that
 * takes over a request that died unfinished, or `undefined` without a key. Run starts take their run id from it, so a repeat that runs again
 * after its first try died mid-way (its process stopped beating, or past the lease) finds the run that try recorded.
 */
export function idempotentId(c: Context): string | undefined {
  return c.get(IDEMPOTENT_ID as never) as string | undefined;
}

/**
 * Marks a route whose successful answer shows a secret once (a new token, a webhook's signing
 * secret): `idempotency` never stores that answer, so no secret is kept in clear for a replay.
 */
export function secretInAnswer(): MiddlewareHandler {
  return secretOnceSpec(function secretInAnswer(c, next) {
    c.set(SECRET_IN_ANSWER as never, true as never);
    return next();
  });
}
