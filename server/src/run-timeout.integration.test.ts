import { Worker } from '@temporalio/worker';
import type { NodeRegistry } from '@weft/nodes';
import type { RunView, WorkflowInput } from '@weft/schemas';
import { workflowBundle } from '@weft/workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { listEvents } from '@weft/store/repositories/run.repository';
import { reconcileRuns } from './run-reconciler.js';
import { BACKENDS } from '@weft/store/testing';
import type { Receiver } from './testing/receiver.js';
import { testConfig, type Stack } from './testing/stack.js';
import { useStack } from './testing/suite.js';
import { loadNodeTypes } from '@weft/workers/process';

/** A run that books something it can undo, then waits far longer than its run timeout allows. */
const bookThenWait = (r: string, settings: WorkflowInput['settings'], wait = '10s'): WorkflowInput => ({
  schemaVersion: 1,
  name: 'book then wait',
  nodes: [
    { id: 'start', type: 'control.trigger' },
    {
      id: 'reserve',
      type: 'execution.http',
      params: { method: 'POST', url: `${r}/reserve`, body: { node: 'reserve' }, compensation: { method: 'DELETE', url: `${r}/reserve/{{ $output.body.id }}` } },
    },
    { id: 'pause', type: 'control.wait', params: { duration: wait } },
    { id: 'after', type: 'analysis.transform', params: { expression: '"never"' } },
  ],
  edges: [
    { id: 'e1', source: 'start', target: 'reserve' },
    { id: 'e2', source: 'reserve', target: 'pause' },
    { id: 'e3', source: 'pause', target: 'after' },
  ],
  ...(settings ? { settings } : {}),
});

describe.each(BACKENDS)('run timeout on %s', (backend) => {
  let stack: Stack;
  let receiver: Receiver;
  let registry: NodeRegistry;
  useStack(backend, (s, r) => ((stack = s), (receiver = r)), { receiver: true });
  beforeAll(async () => {
    registry = (await loadNodeTypes(testConfig())).registry;
  });
  const deletes = (runId: string) => receiver.log.filter((l) => l.method === 'DELETE' && l.key.startsWith(runId)).map((l) => l.path);
  const statuses = (run: RunView) => Object.fromEntries(run.nodes.map((n) => [n.id, n.status]));
  /** Replays a closed run's history against today's workflow code: the timer's commands are deterministic. */
  const replays = async (runId: string) => {
    const history = await stack.temporal.client.workflow.getHandle(runId).fetchHistory();
    await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, `replay-${runId}`);
  };

  it('fails a run that outlives its run timeout, undoing what it completed', async () => {
    const wf = await stack.createWorkflow(bookThenWait(receiver.url, { runTimeout: '2s' }));
    const started = Date.now();
    const runId = await stack.startRun(wf);
    const run = await stack.waitForRun(runId, 15_000);
    expect(Date.now() - started).toBeLessThan(5_000);

    expect(run.status).toBe('rolled_back');
    expect(run.error).toEqual({ type: 'RunTimeout', message: 'the run took longer than its run timeout of 2s', retryable: false, compensated: ['reserve'] });
    expect(statuses(run)).toEqual({ start: 'succeeded', reserve: 'compensated', pause: 'failed', after: 'skipped' });
    expect(deletes(runId)).toEqual([`/reserve/effect-${runId}:reserve`]);
    // The run's events say why it ended.
    const ends = (await listEvents(stack.db.db, runId)).filter((e) => e.type === 'run').map((e) => e.data as { status: string; error?: { type: string } });
    expect(ends.at(-1)).toMatchObject({ status: 'rolled_back', error: { type: 'RunTimeout' } });
    // Temporal sees a failed workflow, not one it timed out itself.
    const handle = stack.temporal.client.workflow.getHandle(runId);
    await expect(handle.result()).rejects.toThrow();
    expect((await handle.describe()).status.name).toBe('FAILED');
    await replays(runId);
  });

  it('ends a run failed when its run timeout fires with nothing to undo', async () => {
    const doc: WorkflowInput = {
      schemaVersion: 1,
      name: 'only wait',
      nodes: [
        { id: 'start', type: 'control.trigger' },
        { id: 'pause', type: 'control.wait', params: { duration: '10s' } },
      ],
      edges: [{ id: 'e1', source: 'start', target: 'pause' }],
      settings: { runTimeout: '1s' },
    };
    const run = await stack.waitForRun(await stack.startRun(await stack.createWorkflow(doc)), 15_000);
    expect(run.status).toBe('failed');
    expect(run.error).toEqual({ type: 'RunTimeout', message: 'the run took longer than its run timeout of 1s', retryable: false });
    expect(statuses(run)).toEqual({ start: 'succeeded', pause: 'failed' });
  });

  it('completes a run that ends within its run timeout, with Temporal’s timeout only a later backstop', async () => {
    const wf = await stack.createWorkflow(bookThenWait(receiver.url, { runTimeout: '30s' }, '100ms'));
    const runId = await stack.startRun(wf);
    const run = await stack.waitForRun(runId, 15_000);
    expect(run.status).toBe('completed');
    expect(deletes(runId)).toEqual([]);
    const described = await stack.temporal.client.workflow.getHandle(runId).describe();
    expect(Number(described.raw.executionConfig?.workflowExecutionTimeout?.seconds)).toBe(30 + 5 * 60);
    await stack.temporal.client.workflow.getHandle(runId).result();
    await replays(runId);
  });

  it('ends a run failed whose workflow was terminated in Temporal, once the reconciler looks', async () => {
    const wf = await stack.createWorkflow(bookThenWait(receiver.url, undefined, '10m'));
    const runId = await stack.startRun(wf);
    for (let i = 0; i < 200; i++) {
      const { json } = await stack.api('GET', `/api/runs/${runId}`);
      if (json.nodes.find((n: { id: string }) => n.id === 'pause').status === 'running') break;
      await new Promise((res) => setTimeout(res, 100));
    }
    const handle = stack.temporal.client.workflow.getHandle(runId);
    await handle.terminate('stopped by an operator');
    expect((await stack.api('GET', `/api/runs/${runId}`)).json.status).toBe('running');

    const reconcile = () => reconcileRuns({ db: stack.db.db, client: stack.temporal.client, taskQueue: stack.taskQueue, registry, quietMs: 0 });
    expect((await reconcile()).settled).toContain(runId);
    const run = (await stack.api('GET', `/api/runs/${runId}`)).json as RunView;
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ type: 'RunTerminated', message: expect.stringContaining('terminated in Temporal') });
    // No code of ours ran: nothing was undone, and the node that was waiting reads as failed.
    expect(statuses(run)).toEqual({ start: 'succeeded', reserve: 'succeeded', pause: 'failed', after: 'skipped' });
    expect(deletes(runId)).toEqual([]);
    // A second pass finds nothing more to do.
    expect((await reconcile()).settled).not.toContain(runId);
  });
});
