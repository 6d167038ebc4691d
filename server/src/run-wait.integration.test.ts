import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunView, WorkflowInput } from '@weft/schemas';
import { createApp } from './app.js';
import { findRun, insertRun, updateRunStatus } from '@weft/store/repositories/run.repository';
import { findWorkflow } from '@weft/store/repositories/workflow.repository';
import { waitForRunEnd } from './run-end.js';
import { createRunStarter, newRunId } from './runs/index.js';
import { signedWebhookHeaders } from './routes/webhooks.js';
import { BACKENDS } from '@weft/store/testing';
import { testConfig, type Stack } from './testing/stack.js';
import { useStack } from './testing/suite.js';
import { configuredSecretKey, loadNodeTypes } from '@weft/workers/process';

// A run that takes a second of workflow time, so its end is well after the request that waits on it.
const pause: WorkflowInput = {
  schemaVersion: 1,
  name: 'one second',
  nodes: [
    { id: 'start', type: 'control.trigger' },
    { id: 'wait', type: 'control.wait', params: { duration: '1s' } },
    { id: 'out', type: 'control.output', params: { value: 'done' } },
  ],
  edges: [
    { id: 'e1', source: 'start', target: 'wait' },
    { id: 'e2', source: 'wait', target: 'out' },
  ],
};

const approval: WorkflowInput = {
  schemaVersion: 1,
  name: 'needs a yes',
  nodes: [
    { id: 'start', type: 'control.trigger' },
    { id: 'manager', type: 'security.approval', params: { title: 'Approve?', timeout: '1h' } },
  ],
  edges: [{ id: 'e1', source: 'start', target: 'manager' }],
};

// An hour: a wait that answers within seconds cannot have been answered by the backstop's row reads.
const NO_BACKSTOP_MS = 3_600_000;

describe.each(BACKENDS)('waiting for a run to end on %s', (backend) => {
  let stack: Stack;
  const secretKeyText = randomBytes(32).toString('base64');
  useStack(backend, (s) => (stack = s), { env: { WEFT_SECRET_KEY: secretKeyText } });
  /** An app on the stack's database and task queue whose waits never read the run row but before and after. */
  let app: ReturnType<typeof createApp>;
  beforeAll(async () => {
    const config = testConfig({ WEFT_SECRET_KEY: secretKeyText });
    const { registry } = await loadNodeTypes(config);
    const runs = createRunStarter({ db: stack.db.db, client: stack.temporal.client, taskQueue: stack.taskQueue, registry, endBackstopMs: NO_BACKSTOP_MS });
    app = createApp({ db: stack.db.db, registry, runs, secretKey: configuredSecretKey(config)! });
  });
  const get = async (path: string) => {
    const res = await app.request(path, { headers: { authorization: `Bearer ${stack.token}` } });
    return { status: res.status, json: (await res.json()) as any };
  };
  /** How long after the run's recorded end an answer came. */
  const lagAfterEnd = async (runId: string, answeredAt: number) => answeredAt - (await findRun(stack.db.db, runId))!.finished_at!.getTime();

  it('answers a sync webhook as soon as its run ends, without polling the run row', async () => {
    const workflowId = await stack.createWorkflow(pause);
    const { secret } = (await stack.api('POST', '/api/webhooks', { path: 'waits', workflowId, mode: 'sync', timeoutMs: 30_000 })).json as { secret: string };
    const body = '{}';
    const headers = signedWebhookHeaders(secret, { timestamp: Math.floor(Date.now() / 1000), method: 'POST', path: '/hooks/waits', body });
    const sent = Date.now();
    const res = await app.request('/hooks/waits', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    const answeredAt = Date.now();
    const json = (await res.json()) as { runId: string; status: string; output: unknown };
    expect(res.status).toBe(200);
    expect(json).toMatchObject({ status: 'completed', output: 'done' });
    expect(answeredAt - sent).toBeGreaterThanOrEqual(1000);
    expect(await lagAfterEnd(json.runId, answeredAt)).toBeLessThan(1000);
  });

  it('answers GET /api/runs/:id?wait= as soon as the run ends', async () => {
    const runId = await stack.startRun(await stack.createWorkflow(pause));
    const sent = Date.now();
    const res = await get(`/api/runs/${runId}?wait=30s`);
    const answeredAt = Date.now();
    expect(res.status).toBe(200);
    expect(res.json as RunView).toMatchObject({ id: runId, status: 'completed', output: 'done' });
    expect(answeredAt - sent).toBeLessThan(10_000);
    expect(await lagAfterEnd(runId, answeredAt)).toBeLessThan(1000);
    // A run that has ended is answered at once.
    const again = Date.now();
    expect((await get(`/api/runs/${runId}?wait=60s`)).json.status).toBe('completed');
    expect(Date.now() - again).toBeLessThan(1000);
  });

  it('answers GET /api/runs/:id?wait= with the run as it is when the wait is over', async () => {
    const runId = await stack.startRun(await stack.createWorkflow(approval));
    const sent = Date.now();
    const res = await get(`/api/runs/${runId}?wait=700ms`);
    const took = Date.now() - sent;
    expect(res.status).toBe(200);
    expect(['queued', 'running', 'waiting']).toContain(res.json.status);
    expect(took).toBeGreaterThanOrEqual(700);
    expect(took).toBeLessThan(5000);
    expect((await stack.api('POST', `/api/runs/${runId}/cancel`)).status).toBe(202);
    expect((await get(`/api/runs/${runId}?wait=30s`)).json.status).toBe('cancelled');
  });

  it('refuses a wait that is not a duration or is longer than 60 s', async () => {
    const runId = await stack.startRun(await stack.createWorkflow(pause));
    for (const wait of ['abc', '10m', '61s', '-1s']) {
      const res = await get(`/api/runs/${runId}?wait=${wait}`);
      expect(res.status, wait).toBe(400);
      expect(res.json.error).toMatchObject({ code: 'invalid_request', issues: [{ path: '$.wait' }] });
    }
    const at = Date.now();
    expect((await get(`/api/runs/${runId}?wait=0`)).status).toBe(200);
    expect(Date.now() - at).toBeLessThan(1000);
    expect((await get(`/api/runs/run_nosuchrun?wait=1s`)).status).toBe(404);
  });

  it('sees a queued run whose workflow never started end, by reading its row', async () => {
    const workflowId = await stack.createWorkflow(pause);
    const wf = (await findWorkflow(stack.db.db, workflowId))!;
    const runId = newRunId();
    await insertRun(stack.db.db, { id: runId, workflowId, version: wf.version, hash: wf.hash, input: {}, trigger: 'manual', createdBy: null });
    setTimeout(() => void updateRunStatus(stack.db.db, { runId, status: 'cancelled', from: 'queued', error: { type: 'Cancelled', message: 'test', retryable: false } }), 300);
    const at = Date.now();
    const run = await waitForRunEnd({ db: stack.db.db, client: stack.temporal.client, backstopMs: 200 }, runId, { timeoutMs: 10_000 });
    expect(run?.status).toBe('cancelled');
    expect(Date.now() - at).toBeLessThan(2000);
  });
});
