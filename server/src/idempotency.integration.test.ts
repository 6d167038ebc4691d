import { Hono } from 'hono';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { WorkflowInput } from '@weft/schemas';
import { startApiProcess } from './api-process.js';
import { pruneIdempotencyKeys } from '@weft/store/repositories/idempotency.repository';
import { apiError } from './errors.js';
import { idempotency, idempotentId } from './idempotency.js';
import { signedWebhookHeaders } from './routes/webhooks.js';
import { BACKENDS } from '@weft/store/testing';
import type { Stack } from './testing/stack.js';
import { useStack } from './testing/suite.js';

const echo: WorkflowInput = {
  schemaVersion: 1,
  name: 'idempotency echo',
  nodes: [
    { id: 'start', type: 'control.trigger' },
    { id: 'out', type: 'control.output', params: { value: '{{ $input.n }}' } },
  ],
  edges: [{ id: 'e1', source: 'start', target: 'out' }],
};

describe.each(BACKENDS)('Idempotency-Key on %s', (backend) => {
  let stack: Stack;
  useStack(backend, (s) => (stack = s));

  /** A POST as a client sends it, with an Idempotency-Key unless `key` is null. */
  const post = async (path: string, body: unknown, key: string | null, token = stack.token) => {
    const res = await stack.app.request(path, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(key === null ? {} : { 'idempotency-key': key }) },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : undefined, replayed: res.headers.get('idempotent-replayed'), retryAfter: res.headers.get('retry-after'), type: res.headers.get('content-type') };
  };
  const runsOf = async (workflowId: string) => (await stack.db.db.selectFrom('run').select('id').where('workflow_id', '=', workflowId).execute()).map((r) => r.id);

  it('answers a repeat of a run start with the first run, and starts one run only', async () => {
    const wf = await stack.createWorkflow(echo);
    const first = await post(`/api/workflows/${wf}/runs`, { input: { n: 1 } }, 'start-1');
    expect(first.status).toBe(202);
    expect(first.replayed).toBeNull();
    const again = await post(`/api/workflows/${wf}/runs`, { input: { n: 1 } }, 'start-1');
    expect(again).toMatchObject({ status: 202, replayed: 'true', json: { runId: first.json.runId } });
    expect(again.type).toMatch(/application\/json/);
    expect(await runsOf(wf)).toEqual([first.json.runId]);
    const doc = (await stack.api('GET', '/api/openapi.json')).json;
    expect(doc.paths['/api/workflows/{id}/runs'].post.parameters).toContainEqual(expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: false }));
    expect(doc.paths['/hooks/{path}'].post.parameters).toContainEqual(expect.objectContaining({ name: 'Idempotency-Key' }));
    expect(doc.paths['/api/workflows/{id}'].put.parameters).not.toContainEqual(expect.objectContaining({ name: 'Idempotency-Key' }));
  });

  it('runs a repeat again once the first request died holding its key, and finds the run that request recorded', async () => {
    const wf = await stack.createWorkflow(echo);
    const first = await post(`/api/workflows/${wf}/runs`, { input: { n: 7 } }, 'crashed-1');
    expect(first.status).toBe(202);
    expect(first.json.runId).toMatch(/^run_k[0-9a-f]{24}$/);
    // As if the process had died after recording the run and before storing the answer, 16 minutes ago.
    await stack.db.db
      .updateTable('idempotency_key')
      .set({ state: 'in_progress', response_status: null, response_headers: null, response_body: null, created_at: sql<Date>`now() - interval '16 minutes'` })
      .where('key', '=', 'crashed-1')
      .execute();
    const repeat = await post(`/api/workflows/${wf}/runs`, { input: { n: 7 } }, 'crashed-1');
    expect(repeat).toMatchObject({ status: 202, replayed: null, json: { runId: first.json.runId } });
    expect(await runsOf(wf)).toEqual([first.json.runId]);
    // Still held, not past its lease: the repeat waits.
    await stack.db.db.updateTable('idempotency_key').set({ state: 'in_progress', created_at: sql<Date>`now()` }).where('key', '=', 'crashed-1').execute();
    expect((await post(`/api/workflows/${wf}/runs`, { input: { n: 7 } }, 'crashed-1')).status).toBe(409);
  });

  it('runs a repeat again within seconds once the process holding its key stopped beating, and finds the run that request recorded', async () => {
    const wf = await stack.createWorkflow(echo);
    const start = (n: number) => post(`/api/workflows/${wf}/runs`, { input: { n } }, 'holder-1');
    const first = await start(7);
    expect(first.status).toBe(202);
    const rowOf = () => stack.db.db.selectFrom('idempotency_key').selectAll().where('key', '=', 'holder-1').executeTakeFirstOrThrow();
    const { claim_id: claim } = await rowOf();
    // As if `holder` had died after recording the run and before storing the answer, a moment ago: well within the lease.
    const heldBy = (holder: string | null) =>
      stack.db.db
        .updateTable('idempotency_key')
        .set({ state: 'in_progress', response_status: null, response_headers: null, response_body: null, holder, created_at: sql<Date>`now()` })
        .where('key', '=', 'holder-1')
        .execute();

    const live = await startApiProcess({ db: stack.db.db });
    await heldBy(live.id);
    expect(await start(7)).toMatchObject({ status: 409, retryAfter: '1', json: { error: { code: 'idempotency_in_progress' } } });
    expect(await start(8)).toMatchObject({ status: 422, json: { error: { code: 'idempotency_key_reused' } } });
    // Its row gone: the process stopped (or was long dead and forgotten).
    await live.stop();
    expect(await start(8)).toMatchObject({ status: 422, json: { error: { code: 'idempotency_key_reused' } } });
    expect(await start(7)).toMatchObject({ status: 202, replayed: null, json: { runId: first.json.runId } });
    expect((await rowOf()).claim_id).toBe(claim);

    // Its row not beaten for a minute: it died without a word.
    await stack.db.db.insertInto('api_process').values({ id: 'api_stale', seen_at: sql<Date>`now() - interval '1 minute'` }).execute();
    await heldBy('api_stale');
    expect(await start(8)).toMatchObject({ status: 422, json: { error: { code: 'idempotency_key_reused' } } });
    expect(await start(7)).toMatchObject({ status: 202, replayed: null, json: { runId: first.json.runId } });
    expect((await rowOf()).claim_id).toBe(claim);
    expect(await runsOf(wf)).toEqual([first.json.runId]);

    // Claimed by no known process (before processes were recorded): only the lease frees it.
    await heldBy(null);
    expect(await start(7)).toMatchObject({ status: 409, json: { error: { code: 'idempotency_in_progress' } } });
  });

  it('records which process holds a key, so a repeat on another process takes it over with the same claim once that one stopped', async () => {
    const [a, b] = await Promise.all([startApiProcess({ db: stack.db.db }), startApiProcess({ db: stack.db.db })]);
    let release = () => {};
    const held = new Promise<void>((r) => (release = r));
    const claims: (string | undefined)[] = [];
    const processApp = (holder: string, wait: boolean) =>
      new Hono().use(idempotency({ db: stack.db.db, scope: () => 'test:holder', holder })).post('/thing', async (c) => {
        claims.push(idempotentId(c));
        if (wait) await held;
        return c.json({ calls: claims.length }, 201);
      });
    const send = (app: Hono) => app.request('/thing', { method: 'POST', headers: { 'idempotency-key': 'k-holder' }, body: '{}' });
    const onA = processApp(a.id, true);
    const onB = processApp(b.id, false);
    const rowOf = () => stack.db.db.selectFrom('idempotency_key').select(['holder', 'state', 'claim_id']).where('scope', '=', 'test:holder').executeTakeFirstOrThrow();

    const first = send(onA);
    await expect.poll(() => claims.length).toBe(1);
    expect(await rowOf()).toMatchObject({ holder: a.id, state: 'in_progress', claim_id: claims[0] });
    expect((await send(onB)).status).toBe(409);
    await a.stop();
    const taken = await send(onB);
    expect(taken.status).toBe(201);
    expect(claims).toEqual([claims[0], claims[0]]);
    expect(await rowOf()).toMatchObject({ holder: b.id, state: 'done', claim_id: claims[0] });
    release();
    await first;
    await b.stop();
  });

  it('refuses the same key with another body (422) and a malformed key (400), naming the header', async () => {
    const wf = await stack.createWorkflow(echo);
    expect((await post(`/api/workflows/${wf}/runs`, { input: { n: 1 } }, 'reuse-1')).status).toBe(202);
    const other = await post(`/api/workflows/${wf}/runs`, { input: { n: 2 } }, 'reuse-1');
    expect(other.status).toBe(422);
    expect(other.json.error).toMatchObject({ code: 'idempotency_key_reused', issues: [{ path: 'headers.idempotency-key' }] });
    const bad = await post(`/api/workflows/${wf}/runs`, { input: { n: 3 } }, 'é');
    expect(bad.status).toBe(400);
    expect(bad.json.error.issues).toEqual([expect.objectContaining({ path: 'headers.idempotency-key' })]);
    expect((await post(`/api/workflows/${wf}/runs`, { input: { n: 3 } }, 'x'.repeat(256))).status).toBe(400);
    expect(await runsOf(wf)).toHaveLength(1);
  });

  it('runs one of two concurrent requests with the same key; the other waits (409) or gets its answer', async () => {
    const wf = await stack.createWorkflow(echo);
    const pair = await Promise.all([0, 1].map(() => post(`/api/workflows/${wf}/runs`, { input: { n: 1 } }, 'race-1')));
    const runs = await runsOf(wf);
    expect(runs).toHaveLength(1);
    expect(pair.filter((r) => r.status === 202 && r.replayed === null).map((r) => r.json.runId)).toEqual(runs);
    const other = pair.find((r) => r.status !== 202 || r.replayed !== null)!;
    if (other.status === 409) {
      expect(other.json.error.code).toBe('idempotency_in_progress');
      expect(other.retryAfter).toBe('1');
    } else expect(other).toMatchObject({ status: 202, replayed: 'true', json: { runId: runs[0] } });
  });

  it('keeps the keys of one token apart from another\'s', async () => {
    const wf = await stack.createWorkflow(echo);
    const operator = await stack.tokenFor('operator');
    const mine = await post(`/api/workflows/${wf}/runs`, { input: { n: 1 } }, 'shared-1');
    const theirs = await post(`/api/workflows/${wf}/runs`, { input: { n: 1 } }, 'shared-1', operator);
    expect(theirs).toMatchObject({ status: 202, replayed: null });
    expect(theirs.json.runId).not.toBe(mine.json.runId);
    expect(await runsOf(wf)).toHaveLength(2);
  });

  it('never keeps a new token for replay: a repeat creates nothing and says why', async () => {
    const before = await stack.db.db.selectFrom('api_token').select('id').execute();
    const first = await post('/api/tokens', { role: 'viewer', name: 'once' }, 'token-1');
    expect(first.status).toBe(201);
    const again = await post('/api/tokens', { role: 'viewer', name: 'once' }, 'token-1');
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe('idempotency_not_replayable');
    expect(JSON.stringify(again.json)).not.toContain(first.json.token);
    expect(await stack.db.db.selectFrom('api_token').select('id').execute()).toHaveLength(before.length + 1);
    const row = await stack.db.db.selectFrom('idempotency_key').selectAll().where('key', '=', 'token-1').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ state: 'done', response_status: 201, response_body: null });
  });

  it('answers a webhook call retried with a fresh signature and the same key with the first run', async () => {
    const wf = await stack.createWorkflow(echo);
    const created = await stack.api('POST', '/api/webhooks', { path: 'idem-orders', workflowId: wf });
    expect(created.status).toBe(201);
    const secret = created.json.secret as string;
    const body = JSON.stringify({ n: 7 });
    const call = async (timestamp: number, key: string) => {
      const headers = signedWebhookHeaders(secret, { timestamp, method: 'POST', path: '/hooks/idem-orders', body });
      const res = await stack.app.request('/hooks/idem-orders', { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': key, ...headers }, body });
      return { status: res.status, json: (await res.json()) as { runId: string }, replayed: res.headers.get('idempotent-replayed') };
    };
    const now = Math.floor(Date.now() / 1000);
    const first = await call(now, 'hook-1');
    expect(first).toMatchObject({ status: 202, replayed: null });
    // A fresh signature (another timestamp), which the replay guard alone would let start a second run.
    const retried = await call(now + 1, 'hook-1');
    expect(retried).toMatchObject({ status: 202, replayed: 'true', json: { runId: first.json.runId } });
    // The identical signed request, too, gets the first answer rather than 409 replayed.
    expect(await call(now, 'hook-1')).toMatchObject({ status: 202, json: { runId: first.json.runId } });
    expect(await runsOf(wf)).toEqual([first.json.runId]);
    // A bad signature claims nothing, so it cannot read or block the key.
    const forged = await stack.app.request('/hooks/idem-orders', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'hook-2', ...signedWebhookHeaders('whsec_wrong', { timestamp: now, method: 'POST', path: '/hooks/idem-orders', body }) },
      body,
    });
    expect(forged.status).toBe(401);
    expect(await stack.db.db.selectFrom('idempotency_key').select('key').where('scope', '=', 'hook:idem-orders').execute()).toEqual([{ key: 'hook-1' }]);
  });

  it('keeps no 5xx answer, so the key may be retried, and deletes keys older than a day', async () => {
    let calls = 0;
    const app = new Hono()
      .use(idempotency({ db: stack.db.db, scope: () => 'test:5xx', pruneEveryMs: 0 }))
      .post('/thing', (c) => (++calls === 1 ? apiError(c, 503, 'unavailable', 'try again') : c.json({ calls }, 201)));
    const send = () => app.request('/thing', { method: 'POST', headers: { 'idempotency-key': 'k-5xx' }, body: '{}' });
    expect((await send()).status).toBe(503);
    expect(await stack.db.db.selectFrom('idempotency_key').select('key').where('scope', '=', 'test:5xx').execute()).toEqual([]);
    const ok = await send();
    expect(ok.status).toBe(201);
    expect(await ok.json()).toEqual({ calls: 2 });
    expect((await send()).headers.get('idempotent-replayed')).toBe('true');
    expect(calls).toBe(2);

    // A day old: taken over by its next use, and deleted by the next prune.
    await stack.db.db.updateTable('idempotency_key').set({ created_at: sql<Date>`now() - interval '25 hours'` }).where('scope', '=', 'test:5xx').execute();
    const fresh = await send();
    expect(fresh.headers.get('idempotent-replayed')).toBeNull();
    expect(calls).toBe(3);
    await stack.db.db.updateTable('idempotency_key').set({ created_at: sql<Date>`now() - interval '25 hours'` }).where('scope', '=', 'test:5xx').execute();
    await app.request('/thing', { method: 'POST', headers: { 'idempotency-key': 'k-other' }, body: '{}' });
    expect(await stack.db.db.selectFrom('idempotency_key').select('key').where('scope', '=', 'test:5xx').execute()).toEqual([{ key: 'k-other' }]);
    expect(await pruneIdempotencyKeys(stack.db.db, 0)).toBeGreaterThanOrEqual(1);
  });
});
