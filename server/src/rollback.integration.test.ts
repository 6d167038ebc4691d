import { describe, expect, it } from 'vitest';
import type { WorkflowInput } from '@weft/schemas';
import { BACKENDS } from '@weft/store/testing';
import type { Receiver } from './testing/receiver.js';
import type { Stack } from './testing/stack.js';
import { useStack } from './testing/suite.js';

/** An http node that creates something and says how to delete it again. */
const call = (id: string, url: string, undo: string, policy: Record<string, unknown> = {}) => ({
  id,
  type: 'execution.http',
  params: { method: 'POST', url, body: { node: id }, compensation: { method: 'DELETE', url: undo } },
  policy: { initialInterval: '100ms', maxInterval: '200ms', ...policy },
});

describe.each(BACKENDS)('rollback on %s', (backend) => {
  let stack: Stack;
  let receiver: Receiver;
  useStack(backend, (s, r) => ((stack = s), (receiver = r)), { receiver: true });
  const deletes = (runId: string) => receiver.log.filter((l) => l.method === 'DELETE' && l.key.startsWith(runId)).map((l) => l.path);

  it('undoes the completed branches newest first, exactly once, when one of three parallel branches fails', async () => {
    const r = receiver.url;
    const doc: WorkflowInput = {
      schemaVersion: 1,
      name: 'three branches',
      nodes: [
        { id: 'start', type: 'control.trigger' },
        call('fast', `${r}/fast?delay=50`, `${r}/fast/{{ $output.body.id }}`),
        call('slow', `${r}/slow?delay=1200`, `${r}/slow/{{ $output.body.id }}`),
        { id: 'broken', type: 'execution.http', params: { method: 'POST', url: `${r}/broken?delay=400&status=422` } },
        { id: 'join', type: 'control.merge' },
      ],
      edges: ['fast', 'slow', 'broken'].flatMap((id) => [
        { id: `in-${id}`, source: 'start', target: id },
        { id: `out-${id}`, source: id, target: 'join' },
      ]),
    };
    const runId = await stack.startRun(await stack.createWorkflow(doc));
    const run = await stack.waitForRun(runId);

    expect(run.status).toBe('rolled_back');
    expect(run.error).toMatchObject({ type: 'HttpStatusError', nodeId: 'broken', compensated: ['slow', 'fast'] });
    const byId = Object.fromEntries(run.nodes.map((n) => [n.id, n]));
    // `slow` finished after `broken` failed: its success was recorded, then it was undone.
    expect(byId['slow']).toMatchObject({ status: 'compensated', compensation: { status: 'succeeded', attempts: 1 } });
    expect(byId['fast']).toMatchObject({ status: 'compensated', compensation: { status: 'succeeded', attempts: 1 } });
    expect(byId['broken']!.status).toBe('failed');
    expect(byId['join']!.status).toBe('skipped');
    // Newest first, each once, to the id each call returned.
    expect(deletes(runId)).toEqual([`/slow/effect-${runId}:slow`, `/fast/effect-${runId}:fast`]);
    expect(receiver.keys.get(`${runId}:slow:compensate`)).toMatchObject({ requests: 1, effects: 1 });
  });

  it('retries a failing compensation, then reports the node it could not undo', async () => {
    const r = receiver.url;
    const doc: WorkflowInput = {
      schemaVersion: 1,
      name: 'undo fails',
      nodes: [
        { id: 'start', type: 'control.trigger' },
        call('book', `${r}/book`, `${r}/book/{{ $output.body.id }}?status=500`, { maxAttempts: 1 }),
        call('pay', `${r}/pay`, `${r}/pay/{{ $output.body.id }}`),
        { id: 'ship', type: 'execution.http', params: { url: `${r}/ship?status=409` } },
      ],
      edges: [
        { id: 'e1', source: 'start', target: 'book' },
        { id: 'e2', source: 'book', target: 'pay' },
        { id: 'e3', source: 'pay', target: 'ship' },
      ],
    };
    const runId = await stack.startRun(await stack.createWorkflow(doc));
    const run = await stack.waitForRun(runId);
    expect(run.status).toBe('compensation_failed');
    expect(run.error).toMatchObject({ nodeId: 'ship', compensated: ['pay'], notCompensated: [{ nodeId: 'book', error: { type: 'HttpStatusError' } }] });
    const book = run.nodes.find((n) => n.id === 'book')!;
    expect(book.status).toBe('succeeded'); // still done: its undo failed
    expect(book.compensation).toMatchObject({ status: 'failed', attempts: 3 });
    expect(deletes(runId).filter((p) => p.startsWith('/book/'))).toHaveLength(3);
    expect(deletes(runId)[0]).toBe(`/pay/effect-${runId}:pay`);
  });

  it('rolls back when the run is cancelled mid-run', async () => {
    const r = receiver.url;
    const doc: WorkflowInput = {
      schemaVersion: 1,
      name: 'cancel me',
      nodes: [
        { id: 'start', type: 'control.trigger' },
        call('reserve', `${r}/reserve`, `${r}/reserve/{{ $output.body.id }}`),
        { id: 'pause', type: 'control.wait', params: { duration: '10m' } },
        { id: 'after', type: 'analysis.transform', params: { expression: '"never"' } },
      ],
      edges: [
        { id: 'e1', source: 'start', target: 'reserve' },
        { id: 'e2', source: 'reserve', target: 'pause' },
        { id: 'e3', source: 'pause', target: 'after' },
      ],
    };
    const runId = await stack.startRun(await stack.createWorkflow(doc));
    for (let i = 0; i < 200; i++) {
      const { json } = await stack.api('GET', `/api/runs/${runId}`);
      if (json.nodes.find((n: { id: string }) => n.id === 'pause').status === 'running') break;
      await new Promise((res) => setTimeout(res, 100));
    }
    const viewer = await stack.tokenFor('viewer');
    expect((await stack.api('POST', `/api/runs/${runId}/cancel`, undefined, viewer)).status).toBe(403);
    expect((await stack.api('POST', `/api/runs/${runId}/cancel`)).status).toBe(202);
    const run = await stack.waitForRun(runId);
    expect(run.status).toBe('rolled_back');
    expect(run.error).toMatchObject({ type: 'Cancelled', compensated: ['reserve'] });
    expect(Object.fromEntries(run.nodes.map((n) => [n.id, n.status]))).toEqual({ start: 'succeeded', reserve: 'compensated', pause: 'failed', after: 'skipped' });
    expect(deletes(runId)).toEqual([`/reserve/effect-${runId}:reserve`]);
    // The record is final just before the workflow closes: wait for Temporal's own outcome.
    const handle = stack.temporal.client.workflow.getHandle(runId);
    await expect(handle.result()).rejects.toThrow();
    expect((await handle.describe()).status.name).toBe('CANCELLED');
    // A finished run cannot be cancelled again.
    expect((await stack.api('POST', `/api/runs/${runId}/cancel`)).json.error.code).toBe('run_finished');
    const audit = await stack.db.db.selectFrom('audit_event').select(['action', 'target']).where('target', '=', runId).execute();
    expect(audit.map((a) => a.action).sort()).toEqual(['run.cancel', 'run.start']);
  });

  it('does not undo a node whose policy turns compensation off', async () => {
    const r = receiver.url;
    const doc: WorkflowInput = {
      schemaVersion: 1,
      name: 'keep it',
      nodes: [
        { id: 'start', type: 'control.trigger' },
        call('log', `${r}/log`, `${r}/log/{{ $output.body.id }}`, { compensate: false }),
        { id: 'fail', type: 'execution.http', params: { url: `${r}/x?status=400` } },
      ],
      edges: [
        { id: 'e1', source: 'start', target: 'log' },
        { id: 'e2', source: 'log', target: 'fail' },
      ],
    };
    const runId = await stack.startRun(await stack.createWorkflow(doc));
    const run = await stack.waitForRun(runId);
    expect(run.status).toBe('failed');
    expect(deletes(runId)).toEqual([]);
  });
});
