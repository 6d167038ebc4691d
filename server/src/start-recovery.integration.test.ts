import { Client, Connection } from '@temporalio/client';
import { compilePlan, NodeRegistry } from '@weft/nodes';
import type { RunRequest } from '@weft/schemas';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from './app.js';
import { listAudit } from '@weft/store/repositories/audit.repository';
import { findRun, insertRun, recordReused } from '@weft/store/repositories/run.repository';
import { findWorkflow } from '@weft/store/repositories/workflow.repository';
import { reconcileRuns } from './run-reconciler.js';
import { createRunStarter, launchRun, newRunId } from './runs/index.js';
import { freePort } from './temporal/dev-server.js';
import { BACKENDS } from '@weft/store/testing';
import { testConfig, type Stack } from './testing/stack.js';
import { useStack } from './testing/suite.js';
import { FAN_OUT } from './testing/workflows.js';
import { loadNodeTypes } from '@weft/workers/process';


describe.each(BACKENDS)('runs whose start was lost, on %s', (backend) => {
  let stack: Stack;
  let registry: NodeRegistry;
  useStack(backend, (s) => (stack = s));
  beforeAll(async () => {
    registry = (await loadNodeTypes(testConfig())).registry;
  });

  const reconcile = () => reconcileRuns({ db: stack.db.db, client: stack.temporal.client, taskQueue: stack.taskQueue, registry, graceMs: 0 });
  /** What a crash between recording a run and starting it leaves: a queued row and no workflow. */
  const recordOnly = async (workflowId: string, input: unknown, o: { rerunOf?: string; request?: RunRequest } = {}) => {
    const wf = (await findWorkflow(stack.db.db, workflowId))!;
    const id = newRunId();
    const trigger = o.rerunOf ? 'rerun' : o.request ? 'webhook' : 'manual';
    await insertRun(stack.db.db, { id, workflowId, version: wf.version, hash: wf.hash, input, trigger, createdBy: null, ...(o.rerunOf ? { rerunOf: o.rerunOf } : {}), ...(o.request ? { request: o.request } : {}) });
    return id;
  };

  it('starts a run recorded without a workflow, and it completes with its own input', async () => {
    const wf = await stack.createWorkflow(FAN_OUT);
    const runId = await recordOnly(wf, { n: 4 });
    const report = await reconcile();
    expect(report.started).toContain(runId);
    const run = await stack.waitForRun(runId);
    expect(run.status).toBe('completed');
    expect(run.output).toEqual({ a: 5, b: 40 });
    // Nothing left to do on the next pass.
    expect((await reconcile()).started).not.toContain(runId);
  });

  it('starts a lost re-run with the results it reuses', async () => {
    const wf = await stack.createWorkflow(FAN_OUT);
    const first = await stack.waitForRun(await stack.startRun(wf, { n: 4 }));
    const runId = await recordOnly(wf, { n: 4 }, { rerunOf: first.id });
    await recordReused(stack.db.db, runId, { start: { output: { n: 4 }, falseEdges: [] }, a: { output: 999, falseEdges: [] } }, { document: { nodes: FAN_OUT.nodes } });
    expect((await reconcile()).started).toContain(runId);
    const run = await stack.waitForRun(runId);
    expect(run.output).toEqual({ a: 999, b: 40 });
    expect(run.nodes.find((n) => n.id === 'a')).toMatchObject({ reused: true, attempts: 0 });
  });

  it('starts a lost webhook run with the request it was called with', async () => {
    const wf = await stack.createWorkflow({
      schemaVersion: 1,
      name: 'hook',
      nodes: [
        { id: 'start', type: 'control.trigger' },
        { id: 'out', type: 'control.output', params: { value: '{{ $input.order & " via " & $run.request.method & " from " & $run.request.query.src }}' } },
      ],
      edges: [{ id: 'e1', source: 'start', target: 'out' }],
    });
    const runId = await recordOnly(wf, { order: 'A-1' }, { request: { method: 'POST', headers: {}, query: { src: 'shop' } } });
    expect((await reconcile()).started).toContain(runId);
    expect((await stack.waitForRun(runId)).output).toBe('A-1 via POST from shop');
  });

  it('never runs a second workflow execution for the same run, however often it is started', async () => {
    const wf = await stack.createWorkflow(FAN_OUT);
    const runId = await recordOnly(wf, { n: 1 });
    // Two reconcilers (two API processes) at once.
    await Promise.all([reconcile(), reconcile()]);
    expect((await stack.waitForRun(runId)).output).toEqual({ a: 2, b: 10 });
    const handle = stack.temporal.client.workflow.getHandle(runId);
    const execution = (await handle.describe()).runId;
    // A start after the end is refused, not run again.
    const stored = (await findWorkflow(stack.db.db, wf))!;
    const plan = compilePlan(stored.document, { workflowId: stored.id, version: stored.version, hash: stored.hash }, registry);
    expect(await launchRun(stack.temporal.client, stack.taskQueue, { args: { runId, plan, input: { n: 1 } } })).toBeUndefined();
    expect((await handle.describe()).runId).toBe(execution);
    expect((await stack.temporal.client.workflow.count(`WorkflowId = '${runId}'`)).count).toBe(1);

    // While it runs (no worker polls this queue), a second start answers with the same execution.
    const idle = { args: { runId: newRunId(), plan, input: {} } };
    const queue = `${stack.taskQueue}-idle`;
    const one = await launchRun(stack.temporal.client, queue, idle);
    expect(await launchRun(stack.temporal.client, queue, idle)).toBe(one);
    await stack.temporal.client.workflow.getHandle(idle.args.runId).terminate('test over');
  });

  it('fails a lost run whose version can no longer be started, saying why', async () => {
    const wf = await stack.createWorkflow(FAN_OUT);
    const runId = await recordOnly(wf, { n: 1 });
    // As after a restart without the plugin that provided its node types (here: no types at all).
    const report = await reconcileRuns({ db: stack.db.db, client: stack.temporal.client, taskQueue: stack.taskQueue, registry: new NodeRegistry([]), graceMs: 0 });
    expect(report.ended).toContain(runId);
    const run = (await stack.api('GET', `/api/runs/${runId}`)).json;
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ type: 'StartLost', message: expect.stringContaining(`version 1 of workflow ${wf} no longer compiles (unknown node type`) });
    expect((await stack.temporal.client.workflow.count(`WorkflowId = '${runId}'`)).count).toBe(0);
  });

  it('cancels a queued run that has no workflow at once, and it is never started', async () => {
    const wf = await stack.createWorkflow(FAN_OUT);
    const runId = await recordOnly(wf, { n: 1 });
    expect(await stack.api('GET', `/api/runs/${runId}/state`)).toEqual({ status: 200, json: { nodes: {}, approvals: [] } });
    const rerun = await stack.api('POST', `/api/runs/${runId}/rerun`, { fromNode: 'a' });
    expect(rerun.status).toBe(409);
    expect(rerun.json.error.code).toBe('run_active');

    const cancelled = await stack.api('POST', `/api/runs/${runId}/cancel`);
    expect(cancelled).toEqual({ status: 200, json: { runId, cancelling: false, status: 'cancelled' } });
    const run = (await stack.api('GET', `/api/runs/${runId}`)).json;
    expect(run).toMatchObject({ status: 'cancelled', error: { type: 'Cancelled' } });
    expect((await listAudit(stack.db.db, { target: runId, action: 'run.cancel' })).length).toBe(1);
    expect((await reconcile()).started).not.toContain(runId);
    expect((await stack.temporal.client.workflow.count(`WorkflowId = '${runId}'`)).count).toBe(0);
    expect((await stack.api('POST', `/api/runs/${runId}/rerun`, { fromNode: 'a' })).status).toBe(202);
  });

  it('answers 503 and records no run when Temporal cannot be reached', async () => {
    const wf = await stack.createWorkflow(FAN_OUT);
    const done = await stack.waitForRun(await stack.startRun(wf, { n: 1 }));
    const client = new Client({ connection: Connection.lazy({ address: `127.0.0.1:${await freePort()}`, connectTimeout: '1s', interceptors: [] }) });
    const runs = createRunStarter({ db: stack.db.db, client, taskQueue: stack.taskQueue, registry });
    const app = createApp({ db: stack.db.db, registry, runs, temporal: client, taskQueue: stack.taskQueue });
    const call = async (path: string, body: unknown) => {
      const res = await app.request(path, { method: 'POST', headers: { authorization: `Bearer ${stack.token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: res.status, json: (await res.json()) as { error?: { code: string; message: string }; runId?: string } };
    };
    for (const [path, body] of [[`/api/workflows/${wf}/runs`, { input: { n: 2 } }], [`/api/runs/${done.id}/rerun`, { fromNode: 'a' }]] as const) {
      const res = await call(path, body);
      expect(res.status).toBe(503);
      expect(res.json.error?.code).toBe('temporal_unavailable');
      expect(res.json.runId).toBeUndefined();
    }
    const listed = (await stack.api('GET', `/api/runs?workflowId=${wf}`)).json.items as { id: string }[];
    expect(listed.map((r) => r.id)).toEqual([done.id]);
    expect(await findRun(stack.db.db, done.id)).toBeDefined();
    await client.connection.close().catch(() => undefined);
  });
});
