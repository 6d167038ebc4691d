import { createHmac, randomBytes } from 'node:crypto';
import { Hono } from 'hono';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { RunSummary, WorkflowInput } from '@weft/schemas';
import { createApp } from './app.js';
import { openDatabase } from '@weft/store';
import { createRunStarter } from './runs/index.js';
import { hookRoutes, signedWebhookHeaders, signWebhook } from './routes/webhooks.js';
import { BACKENDS } from '@weft/store/testing';
import { runsWithoutTemporal } from './testing/no-temporal.js';
import { testConfig, type Stack } from './testing/stack.js';
import { useStack } from './testing/suite.js';
import { configuredSecretKey, loadNodeTypes } from '@weft/workers/process';

// The body is the run input (the trigger's default); the allowed headers and the query are $run.request.
const echo: WorkflowInput = {
  schemaVersion: 1,
  name: 'webhook echo',
  nodes: [
    { id: 'start', type: 'control.trigger' },
    { id: 'out', type: 'control.output', params: { value: '{{ "got " & $input.order & " from " & $run.request.headers."x-shop" & " via " & $run.request.query.src }}' } },
  ],
  edges: [{ id: 'e1', source: 'start', target: 'out' }],
};

// A trigger that asks for the whole request as the input, as webhooks gave it before.
const wholeRequest: WorkflowInput = {
  schemaVersion: 1,
  name: 'webhook request echo',
  nodes: [
    { id: 'start', type: 'control.trigger', params: { webhookInput: 'request' } },
    { id: 'out', type: 'control.output', params: { value: '{{ "got " & $input.body.order & " from " & $input.headers."x-shop" }}' } },
  ],
  edges: [{ id: 'e1', source: 'start', target: 'out' }],
};

describe.each(BACKENDS)('webhooks on %s', (backend) => {
  let stack: Stack;
  // A key of the test's own, so a second app on the same database can read the webhooks' secrets.
  const secretKeyText = randomBytes(32).toString('base64');
  useStack(backend, (s) => (stack = s), { env: { WEFT_SECRET_KEY: secretKeyText } });

  const now = () => Math.floor(Date.now() / 1000);
  /** A request as a sender would make it; `signed` headers are sent and signed, `headers` only sent. */
  interface Call {
    method: string;
    url: string;
    headers: Record<string, string>;
    body: string;
  }
  /** A call to a hook signed with `secret` (v2: the timestamp, method, path, query, signed headers and body). */
  const signedCall = (path: string, body: string, o: { secret: string; timestamp?: number; signed?: Record<string, string>; headers?: Record<string, string>; query?: string }): Call => {
    const timestamp = o.timestamp ?? now();
    const query = o.query ?? '';
    const sig = signedWebhookHeaders(o.secret, { timestamp, method: 'POST', path: `/hooks/${path}`, query, headers: o.signed ?? {}, body });
    return { method: 'POST', url: `/hooks/${path}${query ? `?${query}` : ''}`, headers: { 'content-type': 'application/json', ...sig, ...o.headers }, body };
  };
  const send = async (call: Call, app: { request: (url: string, init: RequestInit) => Response | Promise<Response> } = stack.app) => {
    const res = await app.request(call.url, { method: call.method, headers: call.headers, body: call.body });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : undefined, retryAfter: res.headers.get('retry-after') };
  };
  /** Posts to a hook, signed with `secret` unless a `signature` (or none, `null`) is given. */
  const post = async (path: string, body: string, o: { secret?: string; timestamp?: number; signature?: string | null; signed?: Record<string, string>; headers?: Record<string, string>; query?: string } = {}) => {
    const call = signedCall(path, body, { secret: o.secret ?? 'unused', ...o });
    if (o.signature === null) delete call.headers['x-weft-signature'];
    else if (o.signature !== undefined) call.headers['x-weft-signature'] = o.signature;
    return send(call);
  };
  const runsOf = async (path: string): Promise<RunSummary[]> => (await stack.api('GET', `/api/runs?trigger=webhook&triggerRef=${path}&limit=500`)).json.items;
  const runCount = async () => (await stack.db.db.selectFrom('run').select('id').execute()).length;

  it('starts a run for a well-signed call, with the body as input and the allowed headers and the query as $run.request', async () => {
    const workflowId = await stack.createWorkflow(echo);
    const created = await stack.api('POST', '/api/webhooks', { path: 'orders-async', workflowId, headers: ['X-Shop'] });
    expect(created.status).toBe(201);
    const secret = created.json.secret as string;
    expect(secret).toMatch(/^whsec_/);
    expect(created.json).toMatchObject({ path: 'orders-async', url: '/hooks/orders-async', workflowId, mode: 'async', timeoutMs: 30000, headers: ['x-shop'] });
    // The secret is shown once: never listed, never read back, not stored in clear.
    const list = await stack.api('GET', '/api/webhooks', undefined, await stack.tokenFor('viewer'));
    expect(list.status).toBe(200);
    expect(JSON.stringify(list.json)).not.toContain(secret);
    expect(JSON.stringify((await stack.api('GET', '/api/webhooks/orders-async')).json)).not.toContain(secret);
    const row = await stack.db.db.selectFrom('webhook').selectAll().where('path', '=', 'orders-async').executeTakeFirstOrThrow();
    expect(row.secret).not.toContain(secret);

    const body = JSON.stringify({ order: 42, items: ['tea'] });
    const res = await post('orders-async', body, { secret, signed: { 'x-shop': 'north' }, headers: { 'x-private': 'no' }, query: 'src=test' });
    expect(res.status).toBe(202);
    const run = await stack.waitForRun(res.json.runId);
    expect(run.status).toBe('completed');
    expect(run.input).toEqual({ order: 42, items: ['tea'] });
    expect(run.output).toBe('got 42 from north via test');
    expect(run.trigger).toEqual({ type: 'webhook', ref: 'orders-async' });
    expect((await runsOf('orders-async')).map((r) => r.id)).toEqual([res.json.runId]);
    // Audited as started by the webhook, with the workflow it ran.
    const started = await stack.db.db.selectFrom('audit_event').selectAll().where('target', '=', res.json.runId).execute();
    expect(started).toMatchObject([{ actor: 'webhook:orders-async', action: 'run.start', details: { workflowId, version: 1, mode: 'async' } }]);

    // Rotation: the old secret stops working, the new one works.
    const rotated = await stack.api('POST', '/api/webhooks/orders-async/rotate-secret');
    expect(rotated.status).toBe(200);
    expect(rotated.json.secret).not.toBe(secret);
    expect((await post('orders-async', body, { secret })).status).toBe(401);
    expect((await post('orders-async', body, { secret: rotated.json.secret, signed: { 'x-shop': 'south' } })).status).toBe(202);
    const actions = (await stack.db.db.selectFrom('audit_event').select('action').where('target', '=', 'webhook:orders-async').orderBy('id').execute()).map((a) => a.action);
    expect(actions).toEqual(['webhook.create', 'webhook.rotate']);
  });

  it('refuses bad, missing and stale signatures and unknown paths, starting nothing', async () => {
    const workflowId = await stack.createWorkflow(echo);
    const { secret } = (await stack.api('POST', '/api/webhooks', { path: 'guarded', workflowId })).json as { secret: string };
    const body = JSON.stringify({ order: 1 });
    const before = await runCount();

    const wrongKey = await post('guarded', body, { secret: `${secret}x` });
    expect(wrongKey).toMatchObject({ status: 401, json: { error: { code: 'unauthorized' } } });
    // Signed for another body.
    expect((await post('guarded', body, { signature: signWebhook(secret, { timestamp: now(), method: 'POST', path: '/hooks/guarded', body: '{"order":2}' }) })).status).toBe(401);
    expect((await post('guarded', body, { signature: null })).status).toBe(401);
    expect((await post('guarded', body, { signature: 'v2=' })).status).toBe(401);
    // Correctly signed, but ten minutes old (or ahead).
    expect((await post('guarded', body, { secret, timestamp: now() - 600 })).status).toBe(401);
    expect((await post('guarded', body, { secret, timestamp: now() + 600 })).status).toBe(401);
    const noStamp = await stack.app.request('/hooks/guarded', { method: 'POST', headers: { 'x-weft-signature': signWebhook(secret, { timestamp: '', method: 'POST', path: '/hooks/guarded', body }) }, body });
    expect(noStamp.status).toBe(401);
    expect((await post('nowhere', body, { secret })).status).toBe(404);
    // The old scheme (HMAC of timestamp.body) is refused, saying what changed.
    const stamp = now();
    const v1 = `sha256=${createHmac('sha256', secret).update(`${stamp}.${body}`).digest('hex')}`;
    const old = await post('guarded', body, { timestamp: stamp, signature: v1 });
    expect(old).toMatchObject({ status: 401, json: { error: { code: 'unauthorized' } } });
    expect(old.json.error.message).toContain('no longer accepted: sign with v2=');

    await new Promise((r) => setTimeout(r, 500));
    expect(await runCount()).toBe(before);
    expect(await runsOf('guarded')).toHaveLength(0);
    // And a good call still works.
    expect((await post('guarded', body, { secret })).status).toBe(202);
  });

  it('answers a sync call with the run output', async () => {
    const workflowId = await stack.createWorkflow(echo);
    const { secret } = (await stack.api('POST', '/api/webhooks', { path: 'orders-sync', workflowId, mode: 'sync', timeoutMs: 20_000, headers: ['x-shop'] })).json as { secret: string };
    const started = Date.now();
    const res = await post('orders-sync', JSON.stringify({ order: 7 }), { secret, signed: { 'x-shop': 'east' }, query: 'src=shop' });
    console.log(`sync webhook answered in ${Date.now() - started} ms`);
    expect(res).toMatchObject({ status: 200, json: { status: 'completed', output: 'got 7 from east via shop' } });
    expect(res.json.runId).toMatch(/^run_/);
  });

  it('gives the whole request as the input when the trigger asks for it', async () => {
    const workflowId = await stack.createWorkflow(wholeRequest);
    const { secret } = (await stack.api('POST', '/api/webhooks', { path: 'orders-whole', workflowId, mode: 'sync', timeoutMs: 20_000, headers: ['x-shop'] })).json as { secret: string };
    const res = await post('orders-whole', JSON.stringify({ order: 8 }), { secret, signed: { 'x-shop': 'west' }, query: 'src=a' });
    expect(res).toMatchObject({ status: 200, json: { status: 'completed', output: 'got 8 from west' } });
    const run = await stack.waitForRun(res.json.runId);
    expect(run.input).toEqual({ headers: { 'x-shop': 'west' }, body: { order: 8 }, query: { src: 'a' } });
  });

  it('answers a sync call 202 with the run id when the run outlasts the timeout', async () => {
    const slow: WorkflowInput = {
      schemaVersion: 1,
      name: 'slow hook',
      nodes: [
        { id: 'start', type: 'control.trigger' },
        { id: 'wait', type: 'control.wait', params: { duration: '2s' } },
        { id: 'out', type: 'control.output', params: { value: 'late' } },
      ],
      edges: [
        { id: 'e1', source: 'start', target: 'wait' },
        { id: 'e2', source: 'wait', target: 'out' },
      ],
    };
    const workflowId = await stack.createWorkflow(slow);
    const { secret } = (await stack.api('POST', '/api/webhooks', { path: 'slow-sync', workflowId, mode: 'sync', timeoutMs: 300 })).json as { secret: string };
    const res = await post('slow-sync', '{}', { secret });
    expect(res.status).toBe(202);
    expect(res.json.output).toBeUndefined();
    expect((await stack.waitForRun(res.json.runId)).output).toBe('late');
  });

  it('manages webhooks: operators change them, paths are unique, deleted ones answer 404', async () => {
    const workflowId = await stack.createWorkflow(echo);
    const viewer = await stack.tokenFor('viewer');
    expect((await stack.api('POST', '/api/webhooks', { path: 'managed', workflowId }, viewer)).status).toBe(403);
    expect((await stack.api('POST', '/api/webhooks', { path: 'Bad Path', workflowId })).status).toBe(400);
    expect((await stack.api('POST', '/api/webhooks', { path: 'managed', workflowId, mode: 'sync', timeoutMs: 300_001 })).status).toBe(400);
    expect((await stack.api('POST', '/api/webhooks', { path: 'managed', workflowId: 'wf_nothere' })).status).toBe(404);
    const { secret } = (await stack.api('POST', '/api/webhooks', { path: 'managed', workflowId })).json as { secret: string };
    expect((await stack.api('POST', '/api/webhooks', { path: 'managed', workflowId })).status).toBe(409);
    expect((await stack.api('DELETE', '/api/webhooks/managed', undefined, viewer)).status).toBe(403);
    expect((await stack.api('DELETE', '/api/webhooks/managed')).status).toBe(204);
    expect((await stack.api('GET', '/api/webhooks/managed')).status).toBe(404);
    expect((await post('managed', '{}', { secret })).status).toBe(404);
  });
  it('starts one run for a signed request sent twice; the second answer is 409 and starts nothing', async () => {
    const workflowId = await stack.createWorkflow(echo);
    const { secret } = (await stack.api('POST', '/api/webhooks', { path: 'replayed', workflowId, headers: ['x-shop'] })).json as { secret: string };
    const call = signedCall('replayed', JSON.stringify({ order: 3 }), { secret, signed: { 'x-shop': 'north' }, query: 'src=a' });
    expect((await send(call)).status).toBe(202);
    const again = await send(call);
    expect(again).toMatchObject({ status: 409, json: { error: { code: 'replayed' } } });
    expect(again.json.error.message).toContain('sign it again with a new timestamp');
    await new Promise((r) => setTimeout(r, 300));
    expect(await runsOf('replayed')).toHaveLength(1);
    // The same content signed anew (another timestamp) is a new request.
    expect((await send(signedCall('replayed', JSON.stringify({ order: 3 }), { secret, signed: { 'x-shop': 'north' }, query: 'src=a', timestamp: now() + 1 }))).status).toBe(202);
    expect(await runsOf('replayed')).toHaveLength(2);
  });

  it('refuses a signature reused with another query, header, body, path or method, starting nothing', async () => {
    const workflowId = await stack.createWorkflow(wholeRequest);
    const { secret } = (await stack.api('POST', '/api/webhooks', { path: 'tamper', workflowId, headers: ['x-shop'] })).json as { secret: string };
    const good = signedCall('tamper', JSON.stringify({ order: 1 }), { secret, signed: { 'x-shop': 'north' }, query: 'src=shop' });
    const before = await runCount();
    const tampered: Call[] = [
      { ...good, url: '/hooks/tamper?src=shop&role=admin&amount=999999' },
      { ...good, url: '/hooks/tamper?src=shop&src=evil' },
      { ...good, url: '/hooks/tamper' },
      { ...good, headers: { ...good.headers, 'x-shop': 'evil' } },
      { ...good, headers: { ...good.headers, 'x-weft-signed-headers': '' } },
      { ...good, body: JSON.stringify({ order: 999999 }) },
      // Signed for another path of the same hook's secret.
      { ...signedCall('elsewhere', good.body, { secret, signed: { 'x-shop': 'north' }, query: 'src=shop' }), url: good.url },
    ];
    for (const call of tampered) expect((await send(call)).json?.error?.code, call.url).toBe('unauthorized');
    // Another method does not reach the hook at all (only POST is routed; the method is signed as well).
    expect((await send({ ...good, method: 'PUT' })).status).toBe(404);
    await new Promise((r) => setTimeout(r, 300));
    expect(await runCount()).toBe(before);
    // The untouched request still works: no refused variant used it up.
    expect((await send(good)).status).toBe(202);
  });

  it('passes a header to the run only when the signature covers it', async () => {
    const workflowId = await stack.createWorkflow(wholeRequest);
    const { secret } = (await stack.api('POST', '/api/webhooks', { path: 'unsigned-header', workflowId, mode: 'sync', timeoutMs: 20_000, headers: ['x-shop', 'x-region'] })).json as { secret: string };
    // x-region is passed on by the hook but was added unsigned, as a proxy on the way could.
    const res = await send(signedCall('unsigned-header', JSON.stringify({ order: 5 }), { secret, signed: { 'x-shop': 'north' }, headers: { 'x-region': 'forged' } }));
    expect(res.status).toBe(200);
    const run = await stack.waitForRun(res.json.runId);
    expect(run.input).toEqual({ headers: { 'x-shop': 'north' }, body: { order: 5 }, query: {} });
    // A signed header that is not sent is refused rather than signed as empty.
    const missing = signedCall('unsigned-header', '{}', { secret, signed: { 'x-shop': 'north' } });
    delete missing.headers['x-shop'];
    expect((await send(missing)).json.error.message).toContain('x-shop is listed in x-weft-signed-headers but not sent');
  });

  it('refuses on a second app instance on the same database a signature the first accepted, and lets only one of two racing calls through', async () => {
    const config = testConfig({ WEFT_SECRET_KEY: secretKeyText });
    const { registry } = await loadNodeTypes(config);
    // On PostgreSQL the second app has connections of its own, as a second server process would.
    const own = stack.db.kind === 'postgres' && stack.db.url ? await openDatabase({ kind: 'postgres', url: stack.db.url, ...(stack.db.schema ? { schema: stack.db.schema } : {}) }) : undefined;
    onTestFinished(() => own?.close());
    const db = own?.db ?? stack.db.db;
    const runs = createRunStarter({ db, client: stack.temporal.client, taskQueue: stack.taskQueue, registry });
    const second = createApp({ db, registry, runs, secretKey: configuredSecretKey(config)! });
    const workflowId = await stack.createWorkflow(echo);
    const { secret } = (await stack.api('POST', '/api/webhooks', { path: 'two-apps', workflowId })).json as { secret: string };

    const first = signedCall('two-apps', JSON.stringify({ order: 1 }), { secret });
    expect((await send(first)).status).toBe(202);
    expect((await send(first, second)).status).toBe(409);
    const other = signedCall('two-apps', JSON.stringify({ order: 2 }), { secret });
    expect((await send(other, second)).status).toBe(202);
    expect((await send(other)).status).toBe(409);

    const raced = signedCall('two-apps', JSON.stringify({ order: 3 }), { secret });
    const answers = (await Promise.all([send(raced), send(raced, second)])).map((a) => a.status).sort();
    expect(answers).toEqual([202, 409]);
    await new Promise((r) => setTimeout(r, 300));
    expect(await runsOf('two-apps')).toHaveLength(3);
  });

  it('answers 429 to every call of a hook, unchecked, after too many bad signatures, and only to that hook', async () => {
    const workflowId = await stack.createWorkflow(echo);
    const { secret } = (await stack.api('POST', '/api/webhooks', { path: 'hammered', workflowId })).json as { secret: string };
    const { secret: otherSecret } = (await stack.api('POST', '/api/webhooks', { path: 'bystander', workflowId })).json as { secret: string };
    // The default: 20 bad signatures a minute, per hook.
    for (let i = 0; i < 20; i++) expect((await post('hammered', '{}', { secret: `${secret}x` })).status).toBe(401);
    const limited = await post('hammered', '{}', { secret });
    expect(limited).toMatchObject({ status: 429, json: { error: { code: 'rate_limited' } } });
    expect(Number(limited.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(limited.json.error.message).toContain('refuses every call unchecked');
    expect((await post('bystander', '{}', { secret: otherSecret })).status).toBe(202);
    await new Promise((r) => setTimeout(r, 300));
    expect(await runsOf('hammered')).toHaveLength(0);
  });

  it('takes calls again once the bad signatures stop, and a call refused with 429 can be sent again as it was', async () => {
    let clock = Date.now();
    const secretKey = configuredSecretKey(testConfig({ WEFT_SECRET_KEY: secretKeyText }))!;
    const started: string[] = [];
    // Only the limit is under test here: runs are recorded, not started on Temporal.
    const hooks = new Hono().route('/hooks', hookRoutes({ db: stack.db.db, runs: runsWithoutTemporal('run_cooling', started), secretKey, badSignaturesPerMinute: 3, now: () => clock }));
    const workflowId = await stack.createWorkflow(echo);
    const { secret } = (await stack.api('POST', '/api/webhooks', { path: 'cooling', workflowId })).json as { secret: string };
    for (let i = 0; i < 3; i++) expect((await send(signedCall('cooling', '{}', { secret: 'wrong' }), hooks)).status).toBe(401);
    const good = signedCall('cooling', '{}', { secret });
    const refused = await send(good, hooks);
    expect(refused).toMatchObject({ status: 429, retryAfter: '20' });
    clock += 20_000;
    expect((await send(good, hooks)).status).toBe(202);
    expect(started).toHaveLength(1);
  });
});
