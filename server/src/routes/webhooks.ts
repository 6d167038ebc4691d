import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import { z } from 'zod';
import { FINAL_RUN_STATUSES, isBlobRef, type RunStatus, type Workflow } from '@weft/schemas';
import { requireRole, type AuthEnv } from '../auth/bearer-auth.js';
import type { Db } from '../db/database.js';
import { appendAudit } from '../db/repositories/audit.repository.js';
import { findRun, getBlob } from '../db/repositories/run.repository.js';
import { deleteWebhook, findWebhook, insertWebhook, listWebhooks, replaceWebhookSecret, webhookSecretName } from '../db/repositories/trigger.repository.js';
import { findWorkflow } from '../db/repositories/workflow.repository.js';
import type { WebhookRow } from '../db/tables/index.js';
import { apiError } from '../errors.js';
import type { RunStarter } from '../runs.js';
import { decryptSecret, encryptSecret, type SecretKey } from '../secrets/crypto.js';
import { describe as doc } from '../openapi.js';
import { decodeCursor, PageQuery, toPage } from '../pagination.js';
import { valid } from '../validation.js';

/** The header carrying `sha256=<hex>` of HMAC-SHA256(secret, `${timestamp}.${rawBody}`). */
export const SIGNATURE_HEADER = 'x-weft-signature';
/** The header carrying the signing time, in unix seconds. */
export const TIMESTAMP_HEADER = 'x-weft-timestamp';

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

/** The signature a sender puts in `X-Weft-Signature`. */
export function signWebhook(secret: string, timestamp: number | string, rawBody: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex')}`;
}

const secretName = webhookSecretName;
const newSecret = () => `whsec_${randomBytes(32).toString('base64url')}`;

/** A webhook as listed: never its secret. */
function toView(w: WebhookRow) {
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
    .get('/', doc({ summary: 'List webhooks (never their secrets)', tags: ['webhooks'] }), valid('query', PageQuery), async (c) => {
      const { limit, cursor } = c.req.valid('query');
      const after = decodeCursor(cursor, 1)?.[0];
      const rows = await listWebhooks(db, { ...(after !== undefined ? { after: String(after) } : {}), limit: limit + 1 });
      return c.json(toPage(rows, limit, (r) => [r.path], toView));
    })
    .post('/', doc({ summary: 'Create a webhook; its signing secret is shown once', tags: ['webhooks'] }), requireRole('operator'), valid('json', CreateBody), async (c) => {
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
    .get('/:path', doc({ summary: 'One webhook (never its secret)', tags: ['webhooks'] }), valid('param', PathParam), async (c) => {
      const { path } = c.req.valid('param');
      const row = await findWebhook(db, path);
      if (!row) return apiError(c, 404, 'not_found', `no webhook ${path}`);
      return c.json(toView(row));
    })
    .post('/:path/rotate-secret', doc({ summary: 'Replace a webhook\'s signing secret; the new one is shown once', tags: ['webhooks'] }), requireRole('operator'), valid('param', PathParam), async (c) => {
      if (!secretKey) return apiError(c, 503, 'secrets_unavailable', noKey);
      const { path } = c.req.valid('param');
      const secret = newSecret();
      const row = await replaceWebhookSecret(db, { path, secret: encryptSecret(secretKey, secretName(path), secret), keyId: secretKey.id });
      if (!row) return apiError(c, 404, 'not_found', `no webhook ${path}`);
      await appendAudit(db, { actor: c.get('caller').tokenId, action: 'webhook.rotate', target: `webhook:${path}`, details: { keyId: secretKey.id } });
      return c.json({ ...toView(row), secret });
    })
    .delete('/:path', doc({ summary: 'Delete a webhook', tags: ['webhooks'] }), requireRole('operator'), valid('param', PathParam), async (c) => {
      const { path } = c.req.valid('param');
      if (!(await deleteWebhook(db, path))) return apiError(c, 404, 'not_found', `no webhook ${path}`);
      await appendAudit(db, { actor: c.get('caller').tokenId, action: 'webhook.delete', target: `webhook:${path}` });
      return c.body(null, 204);
    });
}

/** Options of the public hook endpoint. */
export interface HookOptions {
  readonly db: Db;
  readonly runs: RunStarter;
  readonly secretKey?: SecretKey;
  /** How far a signature's timestamp may be from now, in seconds. Default 300. */
  readonly replayWindowSec?: number;
  /** How often a sync call looks at its run, in ms. Default 100. */
  readonly pollMs?: number;
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
 * The public `POST /hooks/:path`: no bearer token, a signature instead. Unknown path 404; a
 * missing, wrong or stale signature 401 with nothing started; otherwise the bound workflow runs
 * with the body as input (or the whole request, as its trigger says) and the request as `$run.request`.
 */
export function hookRoutes(o: HookOptions) {
  const { db, runs } = o;
  const windowSec = o.replayWindowSec ?? 300;
  const pollMs = o.pollMs ?? 100;
  return new Hono().post('/:path', async (c) => {
    const path = c.req.param('path');
    const hook = HookPath.safeParse(path).success ? await findWebhook(db, path) : undefined;
    if (!hook) return apiError(c, 404, 'not_found', `no webhook ${path}`);
    if (!o.secretKey) return apiError(c, 503, 'secrets_unavailable', 'this server has no secret key, so it cannot check webhook signatures');

    const raw = await c.req.text();
    const signature = c.req.header(SIGNATURE_HEADER);
    const stamp = c.req.header(TIMESTAMP_HEADER);
    if (!signature || !stamp) return apiError(c, 401, 'unauthorized', `a webhook call needs the ${SIGNATURE_HEADER} and ${TIMESTAMP_HEADER} headers`);
    const at = /^[0-9]{1,12}$/.test(stamp) ? Number(stamp) : NaN;
    if (!Number.isFinite(at) || Math.abs(Date.now() / 1000 - at) > windowSec) return apiError(c, 401, 'unauthorized', `the timestamp is missing, malformed or more than ${windowSec} s from now`);
    const expected = Buffer.from(signWebhook(decryptSecret(o.secretKey, secretName(hook.path), hook.secret), stamp, raw));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return apiError(c, 401, 'unauthorized', 'the signature does not match');

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
    const headers: Record<string, string> = {};
    for (const name of hook.headers) {
      const v = c.req.header(name);
      if (v !== undefined) headers[name] = v;
    }
    const query = c.req.query();
    const runId = await runs.start(wf, webhookRunInput(wf.document, { headers, body, query }), { trigger: 'webhook', triggerRef: hook.path, createdBy: null, request: { method: c.req.method, headers, query } });
    if (hook.mode !== 'sync') return c.json({ runId }, 202);

    const deadline = Date.now() + hook.timeout_ms;
    for (;;) {
      const run = await findRun(db, runId);
      if (run && FINAL_RUN_STATUSES.includes(run.status as RunStatus)) {
        const output = isBlobRef(run.output) ? await getBlob(db, run.output.$weftBlob) : run.output;
        return c.json({ runId, status: run.status as RunStatus, output: output ?? null, ...(run.error ? { error: run.error } : {}) }, 200);
      }
      if (Date.now() >= deadline) return c.json({ runId, status: (run?.status ?? 'queued') as RunStatus }, 202);
      await new Promise((r) => setTimeout(r, Math.min(pollMs, Math.max(1, deadline - Date.now()))));
    }
  });
}
