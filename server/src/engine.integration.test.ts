import { describe, expect, it } from 'vitest';
import type { WorkflowInput } from '@weft/schemas';
import { BACKENDS } from '@weft/store/testing';
import { Receiver } from './testing/receiver.js';
import type { Stack } from './testing/stack.js';
import { useStack } from './testing/suite.js';
import { chain, FAN_OUT } from './testing/workflows.js';

/** trigger → transform → http → output, with the http node posting to `url`. */
function pipeline(url: string, policy: Record<string, unknown> = {}): WorkflowInput {
  return chain('order pipeline', [
    { id: 'start', type: 'control.trigger' },
    { id: 'shape', type: 'analysis.transform', params: { expression: '{ "sku": $uppercase($input.sku), "qty": $input.qty * 2 }' } },
    {
      id: 'post',
      type: 'execution.http',
      params: { method: 'POST', url: `${url}/orders`, body: '{{ $nodes.shape.output }}', headers: { 'x-run': '{{ $run.id }}' } },
      policy: { initialInterval: '100ms', ...policy },
    },
    { id: 'done', type: 'control.output', params: { value: '{{ { "order": $input.body.id, "qty": $input.body.received.qty } }}' } },
  ]);
}

describe.each(BACKENDS)('runs on the real Temporal server with %s', (backend) => {
  let stack: Stack;
  useStack(backend, (s) => (stack = s));

  it('runs trigger → transform → http → output to completion and records every node', async () => {
    const receiver = await new Receiver().start();
    try {
      const wf = await stack.createWorkflow(pipeline(receiver.url));
      const runId = await stack.startRun(wf, { sku: 'ab-1', qty: 21 });
      const run = await stack.waitForRun(runId);

      expect(run.status).toBe('completed');
      expect(run.output).toEqual({ order: `effect-${runId}:post`, qty: 42 });
      expect(run.version).toBe(1);
      expect(run.nodes.map((n) => [n.id, n.status, n.attempts])).toEqual([
        ['start', 'succeeded', 1],
        ['shape', 'succeeded', 1],
        ['post', 'succeeded', 1],
        ['done', 'succeeded', 1],
      ]);
      expect(run.nodes[1]!.output).toEqual({ sku: 'AB-1', qty: 42 });
      // The http node sent its idempotency key and the evaluated expressions.
      const key = `${runId}:post`;
      expect(receiver.keys.get(key)).toMatchObject({ requests: 1, effects: 1, body: { sku: 'AB-1', qty: 42 } });
      expect(receiver.headers[0]!['x-run']).toBe(runId);
    } finally {
      await receiver.close();
    }
  });

  it('retries a node that answers 503 and records each attempt', async () => {
    const receiver = await new Receiver({ failFirst: { times: 2, status: 503 } }).start();
    try {
      const runId = await stack.startRun(await stack.createWorkflow(pipeline(receiver.url)), { sku: 'x', qty: 1 });
      const run = await stack.waitForRun(runId);
      expect(run.status).toBe('completed');
      const post = run.nodes.find((n) => n.id === 'post')!;
      expect(post).toMatchObject({ status: 'succeeded', attempts: 3 });
      expect(receiver.keys.get(`${runId}:post`)).toMatchObject({ requests: 3, effects: 1 });
    } finally {
      await receiver.close();
    }
  });

  it('fails the run at once on a 4xx answer and never runs the nodes after it', async () => {
    const receiver = await new Receiver({ status: 404 }).start();
    try {
      const runId = await stack.startRun(await stack.createWorkflow(pipeline(receiver.url)), { sku: 'x', qty: 1 });
      const run = await stack.waitForRun(runId);
      expect(run.status).toBe('failed');
      expect(run.error).toMatchObject({ type: 'HttpStatusError', nodeId: 'post' });
      expect(run.error!.message).toContain('404');
      const byId = Object.fromEntries(run.nodes.map((n) => [n.id, n]));
      expect(byId['post']).toMatchObject({ status: 'failed', attempts: 1 });
      expect(byId['done']).toMatchObject({ status: 'skipped', attempts: 0 });
      expect(receiver.keys.get(`${runId}:post`)!.requests).toBe(1);
    } finally {
      await receiver.close();
    }
  });

  it('fails a node that calls a private or metadata address, once, without retrying', async () => {
    const doc = pipeline('http://169.254.169.254/latest/meta-data');
    const run = await stack.waitForRun(await stack.startRun(await stack.createWorkflow(doc), { sku: 'x', qty: 1 }));
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ type: 'SsrfBlocked', nodeId: 'post' });
    expect(run.nodes.find((n) => n.id === 'post')).toMatchObject({ status: 'failed', attempts: 1 });
  });

  it('runs independent branches in parallel and joins them at the output', async () => {
    const run = await stack.waitForRun(await stack.startRun(await stack.createWorkflow(FAN_OUT), { n: 4 }));
    expect(run.status).toBe('completed');
    expect(run.output).toEqual({ a: 5, b: 40 });
  });

  it('skips the targets of an edge whose condition is false', async () => {
    const doc: WorkflowInput = {
      schemaVersion: 1,
      name: 'conditions',
      nodes: [
        { id: 'start', type: 'control.trigger' },
        { id: 'big', type: 'analysis.transform', params: { expression: '"big"' } },
        { id: 'small', type: 'analysis.transform', params: { expression: '"small"' } },
        { id: 'after', type: 'control.output' },
      ],
      edges: [
        { id: 'e1', source: 'start', target: 'big', when: '$.n > 10' },
        { id: 'e2', source: 'start', target: 'small', when: '$.n <= 10' },
        { id: 'e3', source: 'big', target: 'after' },
      ],
    };
    const run = await stack.waitForRun(await stack.startRun(await stack.createWorkflow(doc), { n: 3 }));
    expect(run.status).toBe('completed');
    expect(Object.fromEntries(run.nodes.map((n) => [n.id, n.status]))).toEqual({ start: 'succeeded', big: 'skipped', small: 'succeeded', after: 'skipped' });
    expect(run.output).toBeNull();
  });

  it('runs the version a run started with, not a later save', async () => {
    const doc = (expr: string) =>
      chain('versions', [
        { id: 'start', type: 'control.trigger' },
        { id: 'calc', type: 'analysis.transform', params: { expression: expr } },
        { id: 'out', type: 'control.output' },
      ]);
    const wf = await stack.createWorkflow(doc('"one"'));
    const first = await stack.startRun(wf);
    const saved = await stack.api('PUT', `/api/workflows/${wf}`, doc('"two"'));
    expect(saved.json.version).toBe(2);
    const second = await stack.startRun(wf);
    expect((await stack.waitForRun(first)).output).toBe('one');
    const run2 = await stack.waitForRun(second);
    expect(run2.output).toBe('two');
    expect(run2.version).toBe(2);
  });
});
