import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { z } from 'zod';
import { FINAL_RUN_STATUSES, isBlobRef, Page, RUN_STATUSES, RunErrorView, type Workflow } from '@weft/schemas';
import { requireRole, type AuthEnv } from '../auth/bearer-auth.js';
import type { Db } from '@weft/store';
import { appendAudit } from '@weft/store/repositories/audit.repository';
import { getBlob } from '@weft/store/repositories/run.repository';
import {
  deleteWebhook,
  findWebhook,
  forgetWebhookSignature,
  insertWebhook,
  listWebhooks,
  pruneWebhookSignatures,
  rememberWebhookSignature,
  replaceWebhookSecret,
  webhookSecretName,
} from '@weft/store/repositories/trigger.repository';
import { findWorkflow } from '@weft/store/repositories/workflow.repository';
import type { WebhookRow } from '@weft/store';
import { apiError } from '../errors.js';
import { idempotency, idempotentId, secretInAnswer } from '../idempotency.js';
import { tokenBuckets } from '../rate-limit.js';
import type { RunStarter } from '../runs/index.js';
import { answerRunErrors } from './run-errors.js';
import { decryptSecret, encryptSecret, type SecretKey } from '@weft/store';
import { describe as doc, errorDoc } from '../openapi.js';
import { decodeCursor, PageQuery, toPage } from '../pagination.js';
import { valid } from '../validation.js';
import { refuseRunInput } from '../run-input.js';

/** The header carrying `v2=<hex>`: HMAC-SHA256(secret, `webhookSigningString(…)`), see `signWebhook`. */
export const SIGNATURE_HEADER = 'x-weft-signature';
/** The header carrying the signing time, in unix seconds. */
export const TIMESTAMP_HEADER = 'x-weft-timestamp';
/** The header listing, comma-separated, the request headers the signature covers; absent means none. */
export const SIGNED_HEADERS_HEADER = 'x-weft-signed-headers';

const HookPath = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,99}$/, 'expected a path of lower-case letters, digits, - and _ (at most 100)');
const PathParam = z.object({ path: HookPath });
const HeaderName = z
  .string()
  .regex(/^[A-Za-z0-9-]{1,100}$/, 'expected a header name')
  .transform((h) => h.toLowerCase())
  .refine((h) => h !== 'authorization' && h !== 'cookie' && h !== SIGNATURE_HEADER, 'credentials and the signature are never passed to runs');
const CreateBody = z
  .object({
    path: HookPath,
    workflowId: z.string().regex(/^wf_[a-z0-9]{1,40}$/, 'expected a workflow id such as wf_1a2b3c'),
    mode: z.enum(['async', 'sync']).default('async').meta({ description: 'sync waits for the run and answers with its output' }),
    timeoutMs: z.number().int().min(1).max(300_000).default(30_000).meta({ description: 'How long a sync call waits for the run' }),
    headers: z.array(HeaderName).max(50).default([]).meta({ description: 'Request headers passed to the run' }),
  })
  .strict();

/** What a v2 webhook signature covers: everything of the request a run can see. */
export interface SignedWebhookRequest {
  /** Unix seconds, as sent in `X-Weft-Timestamp`. */
  readonly timestamp: number | string;
  /** The HTTP method (`POST`). */
  readonly method: string;
  /** The URL path as the server receives it, such as `/hooks/orders`. */
  readonly path: string;
  /** The query string exactly as in the URL, without the `?`; empty when there is none. */
  readonly query?: string;
  /** The signed headers, name to value, in the order `X-Weft-Signed-Headers` lists them. */
  readonly headers?: Readonly<Record<string, string>>;
  /** The raw body, byte for byte. */
  readonly body: string;
}

/**
 * The text a v2 webhook signature is the HMAC-SHA256 of: lines joined by `\n` — `v2`, the
 * timestamp, the method (upper case), the path, the query (without `?`), the signed header
 * names (lower case, comma-separated), one `name:value` line per signed header (value trimmed),
 * and last the body. The names line says how many header lines follow, and no line but the last
 * can hold a line break, so no two requests share a signing string.
 * @example webhookSigningString({ timestamp: 1700000000, method: 'POST', path: '/hooks/orders', query: 'src=shop', headers: { 'x-shop': 'north' }, body: '{"order":1}' })
 * // 'v2\n1700000000\nPOST\n/hooks/orders\nsrc=shop\nx-shop\nx-shop:north\n{"order":1}'
 */
export function webhookSigningString(r: SignedWebhookRequest): string {
  const headers = Object.entries(r.headers ?? {}).map(([name, value]) => [name.trim().toLowerCase(), value.trim()] as const);
  return ['v2', String(r.timestamp), r.method.toUpperCase(), r.path, r.query ?? '', headers.map(([name]) => name).join(','), ...headers.map(([name, value]) => `${name}:${value}`), r.body].join('\n');
}

/** The signature a sender puts in `X-Weft-Signature`: `v2=` and the hex HMAC-SHA256 of `webhookSigningString(r)`. */
export function signWebhook(secret: string, r: SignedWebhookRequest): string {
  return `v2=${createHmac('sha256', secret).update(webhookSigningString(r)).digest('hex')}`;
}

/** Every header a signed call sends: the signed ones themselves, the timestamp, the list of signed names and the signature. */
export function signedWebhookHeaders(secret: string, r: SignedWebhookRequest): Record<string, string> {
  const names = Object.keys(r.headers ?? {}).map((n) => n.trim().toLowerCase());
  return {
    ...r.headers,
    [TIMESTAMP_HEADER]: String(r.timestamp),
    ...(names.length ? { [SIGNED_HEADERS_HEADER]: names.join(',') } : {}),
    [SIGNATURE_HEADER]: signWebhook(secret, r),
  };
}

const secretName = webhookSecretName;
const newSecret = () => `whsec_${randomBytes(32).toString('base64url')}`;

/** A webhook as the API shows it: never its secret. */
const WebhookView = z.object({
  path: z.string(),
  url: z.string().meta({ description: 'Where senders call it, relative to the server' }),
  workflowId: z.string(),
  mode: z.enum(['async', 'sync']),
  timeoutMs: z.number().int(),
  headers: z.array(z.string()),
  createdAt: z.string(),
  createdBy: z.string().nullable(),
  rotatedAt: z.string().nullable(),
});
const WithSecret = WebhookView.extend({ secret: z.string().meta({ description: 'The signing secret, shown this once' }) });
const noSecretKey = { 503: errorDoc('No secret key (WEFT_SECRET_KEY) to keep webhook secrets with') };

/** A webhook as listed: never its secret. */
function toView(w: WebhookRow): z.infer<typeof WebhookView> {
  return {
    path: w.path,
    url: `/hooks/${w.path}`,
    workflowId: w.workflow_id,
    mode: w.mode as 'async' | 'sync',
    timeoutMs: w.timeout_ms,
    headers: w.headers,
    createdAt: w.created_at.toISOString(),
    createdBy: w.created_by,
    rotatedAt: w.rotated_at?.toISOString() ?? null,
  };
}

/** Webhooks under `/api/webhooks`: operators change them, viewers read them. Secrets are shown once. */
export function webhookRoutes(deps: { db: Db; secretKey?: SecretKey }) {
  const { db, secretKey } = deps;
  const noKey = 'this server has no secret key (WEFT_SECRET_KEY), so it cannot keep webhook secrets';
  return new Hono<AuthEnv>()
    .use(requireRole('viewer'))
    .get('/', doc({ summary: 'List webhooks (never their secrets)', tags: ['webhooks'], responses: { 200: { description: 'A page of webhooks', schema: Page(WebhookView) } } }), valid('query', PageQuery), async (c) => {
      const { limit, cursor } = c.req.valid('query');
      const after = decodeCursor(cursor, 1)?.[0];
      const rows = await listWebhooks(db, { ...(after !== undefined ? { after: String(after) } : {}), limit: limit + 1 });
      return c.json(toPage(rows, limit, (r) => [r.path], toView));
    })
    .post('/', doc({ summary: 'Create a webhook; its signing secret is shown once', tags: ['webhooks'], responses: { 201: { description: 'Created, with its secret', schema: WithSecret }, 404: errorDoc('No such workflow'), 409: errorDoc('A webhook already has this path'), ...noSecretKey } }), requireRole('operator'), secretInAnswer(), valid('json', CreateBody), async (c) => {
      if (!secretKey) return apiError(c, 503, 'secrets_unavailable', noKey);
      const b = c.req.valid('json');
      if (!(await findWorkflow(db, b.workflowId))) return apiError(c, 404, 'not_found', `no workflow ${b.workflowId}`, [{ path: '$.workflowId', message: 'no such workflow' }]);
      const secret = newSecret();
      const caller = c.get('caller').tokenId;
      const row = await insertWebhook(db, { ...b, headers: [...new Set(b.headers)], secret: encryptSecret(secretKey, secretName(b.path), secret), keyId: secretKey.id, createdBy: caller });
      if (!row) return apiError(c, 409, 'conflict', `a webhook already has the path ${b.path}`, [{ path: '$.path', message: 'taken' }]);
      await appendAudit(db, { actor: caller, action: 'webhook.create', target: `webhook:${b.path}`, details: { workflowId: b.workflowId, mode: b.mode } });
      return c.json({ ...toView(row), secret }, 201);
    })
    .get('/:path', doc({ summary: 'One webhook (never its secret)', tags: ['webhooks'], responses: { 200: { description: 'The webhook', schema: WebhookView } } }), valid('param', PathParam), async (c) => {
      const { path } = c.req.valid('param');
      const row = await findWebhook(db, path);
      if (!row) return apiError(c, 404, 'not_found', `no webhook ${path}`);
      return c.json(toView(row));
    })
    .post('/:path/rotate-secret', doc({ summary: 'Replace a webhook\'s signing secret; the new one is shown once', tags: ['webhooks'], responses: { 200: { description: 'The webhook with its new secret', schema: WithSecret }, ...noSecretKey } }), requireRole('operator'), secretInAnswer(), valid('param', PathParam), async (c) => {
      if (!secretKey) return apiError(c, 503, 'secrets_unavailable', noKey);
      const { path } = c.req.valid('param');
      const secret = newSecret();
      const row = await replaceWebhookSecret(db, { path, secret: encryptSecret(secretKey, secretName(path), secret), keyId: secretKey.id });
      if (!row) return apiError(c, 404, 'not_found', `no webhook ${path}`);
      await appendAudit(db, { actor: c.get('caller').tokenId, action: 'webhook.rotate', target: `webhook:${path}`, details: { keyId: secretKey.id } });
      return c.json({ ...toView(row), secret });
    })
    .delete('/:path', doc({ summary: 'Delete a webhook', tags: ['webhooks'], responses: { 204: { description: 'Deleted' } } }), requireRole('operator'), valid('param', PathParam), async (c) => {
      const { path } = c.req.valid('param');
      if (!(await deleteWebhook(db, path))) return apiError(c, 404, 'not_found', `no webhook ${path}`);
      await appendAudit(db, { actor: c.get('caller').tokenId, action: 'webhook.delete', target: `webhook:${path}` });
      return c.body(null, 204);
    });
}

/** What `verifySignature` hands the hook handler. */
interface HookEnv {
  Variables: { hook: WebhookRow; call: { raw: string; signature: string; at: number; signed: Record<string, string> } };
}

const hookDoc = doc({
  summary: 'Start the run of a webhook (signed, no token)',
  description: 'Signed with v2 (see the README, Webhooks). An Idempotency-Key lets a sender retry with a fresh signature and get the first call\'s answer instead of a second run.',
  tags: ['webhooks'],
  public: true,
  responses: {
    200: {
      description: 'A sync webhook\'s run ended: its status and output',
      schema: z.object({ runId: z.string(), status: z.enum(RUN_STATUSES), output: z.unknown(), error: RunErrorView.optional() }),
    },
    202: {
      description: 'Started (async), or a sync run still going when the wait ended',
      schema: z.object({ runId: z.string(), status: z.enum(RUN_STATUSES).optional() }),
    },
    401: errorDoc('The signature is missing, wrong or outside the time window'),
    404: errorDoc('No such webhook, or its workflow no longer exists'),
    409: errorDoc('This signed request was already accepted'),
    429: errorDoc('Too many bad signatures for this webhook'),
  },
});

/** Options of the public hook endpoint. */
export interface HookOptions {
  readonly db: Db;
  readonly runs: RunStarter;
  readonly secretKey?: SecretKey;
  /** How far a signature's timestamp may be from now, in seconds; also how long a used signature is remembered. Default 300. */
  readonly replayWindowSec?: number;
  /** Bad signatures one hook takes a minute (in this process) before it refuses every call with 429 for a while; 0 turns this off. Default 20. */
  readonly badSignaturesPerMinute?: number;
  /** The clock of that limit, in ms. */
  readonly now?: () => number;
  /** This API process's id (`startApiProcess`), holding the Idempotency-Keys it claims (see `idempotency`). */
  readonly apiProcessId?: string;
}

/**
 * The run input of a webhook call, as the workflow's trigger asks: the body (the default; the
 * headers and query are `$run.request`), or the whole request as `{ headers, body, query }`.
 */
export function webhookRunInput(doc: Workflow, request: { headers: Record<string, string>; body: unknown; query: Record<string, string> }): unknown {
  const trigger = doc.nodes.find((n) => n.type === 'control.trigger');
  return trigger?.params['webhookInput'] === 'request' ? request : request.body;
}

/**
 * The public `POST /hooks/:path`: no bearer token, a v2 signature instead (`signWebhook`). Unknown
 * path 404. A missing, malformed, wrong or stale signature — or an old `sha256=` one — 401 with
 * nothing started; a signature already accepted within the window 409 with nothing started (the
 * used signatures are in the database, so every process sharing it refuses the replay). After
 * `badSignaturesPerMinute` bad signatures a hook answers 429 with `Retry-After` to every call,
 * good ones included, without checking it. Otherwise the bound workflow runs with the body as
 * input (or the whole request, as its trigger says) and the request as `$run.request`; only
 * the hook's headers that the signature covers reach the run. Each started run is audited as
 * `run.start` by `webhook:<path>`. A well-signed call with an `Idempotency-Key` (scoped to the
 * hook) is answered, within 24 h, with the first answer to that key: a sender whose call died may
 * retry with a fresh signature and start no second run (see `idempotency`).
 */
export function hookRoutes(o: HookOptions) {
  const { db, runs } = o;
  const windowSec = o.replayWindowSec ?? 300;
  const perMinute = o.badSignaturesPerMinute ?? 20;
  const badSignatures = tokenBuckets({ perMinute, ...(o.now ? { now: o.now } : {}) });
  let prunedAt = 0;

  /** A refused signature: counted against the hook, answered 401. */
  const refuse = (c: Context, path: string, message: string) => {
    badSignatures.spend(path);
    return apiError(c, 401, 'unauthorized', message);
  };

  /** Checks the call's signature; a good one hands the hook and what was signed to the rest. */
  const verifySignature = createMiddleware<HookEnv>(async function verifySignature(c, next) {
    const path = c.req.param('path') ?? '';
    const hook = HookPath.safeParse(path).success ? await findWebhook(db, path) : undefined;
    if (!hook) return apiError(c, 404, 'not_found', `no webhook ${path}`);
    if (!o.secretKey) return apiError(c, 503, 'secrets_unavailable', 'this server has no secret key, so it cannot check webhook signatures');
    const wait = badSignatures.wait(hook.path);
    if (wait > 0) {
      c.header('Retry-After', String(wait));
      return apiError(c, 429, 'rate_limited', `webhook ${hook.path} got more than ${perMinute} bad signatures in a minute, so it refuses every call unchecked for now; retry in ${wait} s`);
    }

    const raw = await c.req.text();
    const signature = c.req.header(SIGNATURE_HEADER);
    const stamp = c.req.header(TIMESTAMP_HEADER);
    if (!signature || !stamp) return refuse(c, hook.path, `a webhook call needs the ${SIGNATURE_HEADER} and ${TIMESTAMP_HEADER} headers`);
    if (signature.startsWith('sha256=')) {
      return refuse(c, hook.path, 'sha256= signatures (of the timestamp and body only) are no longer accepted: sign with v2=, which also covers the method, path, query and the headers passed to the run (see the README, Webhooks)');
    }
    if (!/^v2=[0-9a-f]{64}$/.test(signature)) return refuse(c, hook.path, `expected ${SIGNATURE_HEADER}: v2= and 64 lower-case hex digits`);
    const at = /^[0-9]{1,12}$/.test(stamp) ? Number(stamp) : NaN;
    if (!Number.isFinite(at) || Math.abs(Date.now() / 1000 - at) > windowSec) return refuse(c, hook.path, `the timestamp is missing, malformed or more than ${windowSec} s from now`);
    const names = signedHeaderNames(c.req.header(SIGNED_HEADERS_HEADER));
    if (typeof names === 'string') return refuse(c, hook.path, names);
    const signed: Record<string, string> = {};
    for (const name of names) {
      const value = c.req.header(name);
      if (value === undefined) return refuse(c, hook.path, `the header ${name} is listed in ${SIGNED_HEADERS_HEADER} but not sent`);
      signed[name] = value;
    }
    // As a URL parser normalises them, so a sender's percent-encoded path and query are compared as sent.
    const url = new URL(c.req.url);
    const request = { timestamp: stamp, method: c.req.method, path: url.pathname, query: url.search.slice(1), headers: signed, body: raw };
    const expected = Buffer.from(signWebhook(decryptSecret(o.secretKey, secretName(hook.path), hook.secret), request));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return refuse(c, hook.path, `the signature does not match: v2 signs the timestamp, method, path, query, the headers named in ${SIGNED_HEADERS_HEADER} and the body`);
    }
    c.set('hook', hook);
    c.set('call', { raw, signature, at, signed });
    await next();
  });

  // After the signature check, so an unsigned caller can neither claim a key nor read a stored answer.
  const keys = idempotency<HookEnv>({ db, scope: (c) => `hook:${c.get('hook').path}`, ...(o.apiProcessId === undefined ? {} : { holder: o.apiProcessId }) });

  return new Hono<HookEnv>().onError(answerRunErrors).post('/:path', hookDoc, verifySignature, keys, async (c) => {
    const hook = c.get('hook');
    const { raw, signature, at, signed } = c.get('call');
    const wf = await findWorkflow(db, hook.workflow_id);
    if (!wf) return apiError(c, 404, 'not_found', `the workflow of webhook ${hook.path} no longer exists`);
    let body: unknown = raw;
    if (/\bjson\b/i.test(c.req.header('content-type') ?? '') && raw.length > 0) {
      try {
        body = JSON.parse(raw);
      } catch {
        return apiError(c, 400, 'invalid_request', 'the body is not valid JSON');
      }
    }
    // Only what the signature covers reaches the run: an unsigned header may have been added on the way.
    const headers: Record<string, string> = {};
    for (const name of hook.headers) if (signed[name] !== undefined) headers[name] = signed[name];
    const query = c.req.query();
    // Checked before the signature is remembered: a refused call starts nothing and uses nothing up.
    const input = webhookRunInput(wf.document, { headers, body, query });
    const refused = refuseRunInput(c, wf.document, input);
    if (refused) return refused;

    // Kept a minute past the window, for servers whose clocks differ a little from the database's.
    const seen = { hookPath: hook.path, digest: createHash('sha256').update(signature).digest('hex') };
    if (Date.now() - prunedAt > 60_000) {
      prunedAt = Date.now();
      await pruneWebhookSignatures(db);
    }
    if (!(await rememberWebhookSignature(db, { ...seen, expiresAt: new Date((at + windowSec + 60) * 1000) }))) {
      return apiError(c, 409, 'replayed', 'this signed request was already accepted, so it starts nothing; to send it again, sign it again with a new timestamp');
    }
    let runId: string;
    try {
      const key = idempotentId(c);
      runId = await runs.start(wf, input, { trigger: 'webhook', triggerRef: hook.path, createdBy: null, request: { method: c.req.method, headers, query }, ...(key ? { idempotentId: key } : {}) });
    } catch (e) {
      // Nothing started: the sender may retry the same signed request.
      await forgetWebhookSignature(db, seen);
      throw e;
    }
    await appendAudit(db, { actor: `webhook:${hook.path}`, action: 'run.start', target: runId, details: { workflowId: wf.id, version: wf.version, mode: hook.mode } });
    if (hook.mode !== 'sync') return c.json({ runId }, 202);

    // Answered as the run ends (Temporal says so), not on a poll of its row.
    const run = await runs.waitForEnd(runId, { timeoutMs: hook.timeout_ms, signal: c.req.raw.signal });
    if (!run || !FINAL_RUN_STATUSES.includes(run.status)) return c.json({ runId, status: run?.status ?? 'queued' }, 202);
    const output = isBlobRef(run.output) ? await getBlob(db, run.output.$weftBlob) : run.output;
    return c.json({ runId, status: run.status, output: output ?? null, ...(run.error ? { error: run.error } : {}) }, 200);
  });
}

/** The names in `X-Weft-Signed-Headers`, lower case; a sentence saying what is wrong when they are not usable. */
function signedHeaderNames(list: string | undefined): string[] | string {
  if (list === undefined || list.trim() === '') return [];
  const names = list.split(',').map((n) => n.trim().toLowerCase());
  for (const name of names) {
    if (!/^[a-z0-9-]{1,100}$/.test(name)) return `${SIGNED_HEADERS_HEADER} must list header names separated by commas`;
    if (name === SIGNATURE_HEADER) return `the signature cannot sign itself: leave ${SIGNATURE_HEADER} out of ${SIGNED_HEADERS_HEADER}`;
  }
  if (new Set(names).size !== names.length) return `${SIGNED_HEADERS_HEADER} names a header twice`;
  if (names.length > 50) return `${SIGNED_HEADERS_HEADER} may list at most 50 headers`;
  return names;
}
