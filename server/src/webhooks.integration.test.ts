import { describe, expect, it } from 'vitest';
import type { RunSummary, WorkflowInput } from '@weft/schemas';
import { signWebhook } from './routes/webhooks.js';
import { BACKENDS } from './testing/databases.js';
import type { Stack } from './testing/stack.js';
import { useStack } from './testing/suite.js';

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
  useStack(backend, (s) => (stack = s));

  const now = () => Math.floor(Date.now() / 1000);
  /** Posts to a hook, signed with `secret` unless told otherwise. */
  const post = async (path: string, body: string, o: { secret?: string; timestamp?: number; signature?: string | null; headers?: Record<string, string>; query?: string } = {}) => {
    const ts = o.timestamp ?? now();
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-weft-timestamp': String(ts), ...o.headers };
    const signature = o.signature === undefined ? signWebhook(o.secret!, ts, body) : o.signature;
    if (signature !== null) headers['x-weft-signature'] = signature;
    const res = await stack.app.request(`/hooks/${path}${o.query ?? ''}`, { method: 'POST', headers, body });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : undefined };
  };
  const runsOf = async (path: string): Promise<RunSummary[]> => (await stack.api('GET', `/api/runs?trigger=webhook&triggerRef=${path}&limit=500`)).json.items;

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
    const res = await post('orders-async', body, { secret, headers: { 'x-shop': 'north', 'x-private': 'no' }, query: '?src=test' });
    expect(res.status).toBe(202);
    const run = await stack.waitForRun(res.json.runId);
    expect(run.status).toBe('completed');
    expect(run.input).toEqual({ order: 42, items: ['tea'] });
    expect(run.output).toBe('got 42 from north via test');
    expect(run.trigger).toEqual({ type: 'webhook', ref: 'orders-async' });
    expect((await runsOf('orders-async')).map((r) => r.id)).toEqual([res.json.runId]);

    // Rotation: the old secret stops working, the new one works.
    const rotated = await stack.api('POST', '/api/webhooks/orders-async/rotate-secret');
    expect(rotated.status).toBe(200);
    expect(rotated.json.secret).not.toBe(secret);
    expect((await post('orders-async', body, { secret })).status).toBe(401);
    expect((await post('orders-async', body, { secret: rotated.json.secret, headers: { 'x-shop': 'south' } })).status).toBe(202);
    const actions = (await stack.db.db.selectFrom('audit_event').select('action').where('target', '=', 'webhook:orders-async').orderBy('id').execute()).map((a) => a.action);
    expect(actions).toEqual(['webhook.create', 'webhook.rotate']);
  });

  it('refuses bad, missing and stale signatures and unknown paths, starting nothing', async () => {
    const workflowId = await stack.createWorkflow(echo);
    const { secret } = (await stack.api('POST', '/api/webhooks', { path: 'guarded', workflowId })).json as { secret: string };
    const body = JSON.stringify({ order: 1 });
    const before = (await stack.db.db.selectFrom('run').select('id').execute()).length;

    const wrongKey = await post('guarded', body, { secret: `${secret}x` });
    expect(wrongKey).toMatchObject({ status: 401, json: { error: { code: 'unauthorized' } } });
    // Signed for another body.
    expect((await post('guarded', body, { signature: signWebhook(secret, now(), '{"order":2}') })).status).toBe(401);
    expect((await post('guarded', body, { signature: null })).status).toBe(401);
    expect((await post('guarded', body, { signature: 'sha256=' })).status).toBe(401);
    // Correctly signed, but ten minutes old (or ahead).
    expect((await post('guarded', body, { secret, timestamp: now() - 600 })).status).toBe(401);
    expect((await post('guarded', body, { secret, timestamp: now() + 600 })).status).toBe(401);
    const noStamp = await stack.app.request('/hooks/guarded', { method: 'POST', headers: { 'x-weft-signature': signWebhook(secret, '', body) }, body });
    expect(noStamp.status).toBe(401);
    expect((await post('nowhere', body, { secret })).status).toBe(404);

    await new Promise((r) => setTimeout(r, 500));
    expect((await stack.db.db.selectFrom('run').select('id').execute()).length).toBe(before);
    expect(await runsOf('guarded')).toHaveLength(0);
    // And a good call still works.
    expect((await post('guarded', body, { secret })).status).toBe(202);
  });

  it('answers a sync call with the run output', async () => {
    const workflowId = await stack.createWorkflow(echo);
    const { secret } = (await stack.api('POST', '/api/webhooks', { path: 'orders-sync', workflowId, mode: 'sync', timeoutMs: 20_000, headers: ['x-shop'] })).json as { secret: string };
    const started = Date.now();
    const res = await post('orders-sync', JSON.stringify({ order: 7 }), { secret, headers: { 'x-shop': 'east' }, query: '?src=shop' });
    console.log(`sync webhook answered in ${Date.now() - started} ms`);
    expect(res).toMatchObject({ status: 200, json: { status: 'completed', output: 'got 7 from east via shop' } });
    expect(res.json.runId).toMatch(/^run_/);
  });

  it('gives the whole request as the input when the trigger asks for it', async () => {
    const workflowId = await stack.createWorkflow(wholeRequest);
    const { secret } = (await stack.api('POST', '/api/webhooks', { path: 'orders-whole', workflowId, mode: 'sync', timeoutMs: 20_000, headers: ['x-shop'] })).json as { secret: string };
    const res = await post('orders-whole', JSON.stringify({ order: 8 }), { secret, headers: { 'x-shop': 'west' }, query: '?src=a' });
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
});
