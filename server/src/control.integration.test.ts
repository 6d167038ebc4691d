import { describe, expect, it } from 'vitest';
import type { WorkflowInput } from '@weft/schemas';
import { BACKENDS } from '@weft/store/testing';
import { parseSse } from './testing/agents.js';
import type { Stack } from './testing/stack.js';
import { useStack } from './testing/suite.js';
import { until } from './testing/until.js';
import { chain } from './testing/workflows.js';

const approvalFlow: WorkflowInput = {
  schemaVersion: 1,
  name: 'expense approval',
  nodes: [
    { id: 'start', type: 'control.trigger' },
    { id: 'manager', type: 'security.approval', params: { title: 'Approve the expense', description: 'Pay {{ $input.amount }} EUR to {{ $input.to }}?', timeout: '1h' } },
    { id: 'pay', type: 'analysis.transform', params: { expression: '"paid " & $input.input.amount & " (" & $input.comment & ")"' } },
    { id: 'refuse', type: 'analysis.transform', params: { expression: '"refused by " & ($input.timedOut ? "timeout" : $input.by)' } },
    { id: 'done', type: 'control.merge', params: { mode: 'first' } },
    { id: 'out', type: 'control.output' },
  ],
  edges: [
    { id: 'e1', source: 'start', target: 'manager' },
    { id: 'e2', source: 'manager', sourcePort: 'approved', target: 'pay' },
    { id: 'e3', source: 'manager', sourcePort: 'rejected', target: 'refuse' },
    { id: 'e4', source: 'pay', target: 'done' },
    { id: 'e5', source: 'refuse', target: 'done' },
    { id: 'e6', source: 'done', target: 'out' },
  ],
};

describe.each(BACKENDS)('approvals, waits, events and big data on %s', (backend) => {
  let stack: Stack;
  useStack(backend, (s) => (stack = s));

  it('waits for an approval, which a person gives through the API with a comment', async () => {
    const wf = await stack.createWorkflow(approvalFlow);
    const runId = await stack.startRun(wf, { amount: 120, to: 'ACME' });
    const state = await until('the approval to wait', async () => {
      const s = await stack.api('GET', `/api/runs/${runId}/state`);
      return s.json?.approvals?.length ? s.json : undefined;
    }, { intervalMs: 100 });
    expect(state.approvals[0]).toMatchObject({ nodeId: 'manager', title: 'Approve the expense', description: 'Pay 120 EUR to ACME?' });
    const view = await stack.api('GET', `/api/runs/${runId}`);
    expect(view.json.status).toBe('waiting');
    expect(view.json.nodes.find((n: { id: string }) => n.id === 'manager').status).toBe('waiting');

    const viewer = await stack.tokenFor('viewer');
    expect((await stack.api('POST', `/api/runs/${runId}/approve`, {}, viewer)).status).toBe(403);
    const approved = await stack.api('POST', `/api/runs/${runId}/approve`, { comment: 'within budget' });
    expect(approved).toMatchObject({ status: 202, json: { nodeId: 'manager', approved: true } });

    const run = await stack.waitForRun(runId);
    expect(run.status).toBe('completed');
    expect(run.output).toBe('paid 120 (within budget)');
    const manager = run.nodes.find((n) => n.id === 'manager')!;
    expect(manager.output).toMatchObject({ approved: true, by: 'admin token', comment: 'within budget', timedOut: false });
    expect(run.nodes.find((n) => n.id === 'refuse')!.status).toBe('skipped');
    const audit = await stack.db.db.selectFrom('audit_event').selectAll().where('target', '=', runId).where('action', '=', 'run.approve').execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.details).toMatchObject({ nodeId: 'manager', comment: 'within budget' });
    // Nothing waits any more.
    expect((await stack.api('POST', `/api/runs/${runId}/approve`, {})).json.error.code).toBe('run_finished');
  });

  it('takes the rejected port when the person rejects', async () => {
    const runId = await stack.startRun(await stack.createWorkflow(approvalFlow), { amount: 9000, to: 'X' });
    await until('the approval to wait', async () => ((await stack.api('GET', `/api/runs/${runId}/state`)).json?.approvals?.length ? true : undefined), { intervalMs: 100 });
    expect((await stack.api('POST', `/api/runs/${runId}/reject`, { nodeId: 'nope' })).json.error.code).toBe('not_waiting');
    expect((await stack.api('POST', `/api/runs/${runId}/reject`, { nodeId: 'manager', comment: 'too much' })).status).toBe(202);
    const run = await stack.waitForRun(runId);
    expect(run.output).toBe('refused by admin token');
    expect(run.nodes.find((n) => n.id === 'pay')!.status).toBe('skipped');
  });

  it('applies the timeout outcome when nobody decides', async () => {
    const doc = structuredClone(approvalFlow);
    doc.nodes[1] = { id: 'manager', type: 'security.approval', params: { timeout: '1s', onTimeout: 'reject' } };
    const run = await stack.waitForRun(await stack.startRun(await stack.createWorkflow(doc), { amount: 1 }));
    expect(run.output).toBe('refused by timeout');
    expect(run.nodes.find((n) => n.id === 'manager')!.output).toMatchObject({ approved: false, timedOut: true, by: null });
  });

  it('waits for a duration, and until a time given by an expression', async () => {
    const doc = chain('waits', [
      { id: 'start', type: 'control.trigger' },
      { id: 'for', type: 'control.wait', params: { duration: '1500ms' } },
      { id: 'until', type: 'control.wait', params: { until: '{{ $fromMillis($millis() + 1500) }}' } },
      { id: 'out', type: 'control.output', params: { value: 'done' } },
    ]);
    const started = Date.now();
    const run = await stack.waitForRun(await stack.startRun(await stack.createWorkflow(doc)));
    expect(run.status).toBe('completed');
    expect(Date.now() - started).toBeGreaterThanOrEqual(3000);
    const f = run.nodes.find((n) => n.id === 'for')!;
    expect(new Date(f.finishedAt!).getTime() - new Date(f.startedAt!).getTime()).toBeGreaterThanOrEqual(1400);
  });

  it('streams node events over SSE from the records, and resumes after the last event id', async () => {
    const runId = await stack.startRun(await stack.createWorkflow(approvalFlow), { amount: 5, to: 'Y' });
    await until('the approval', async () => ((await stack.api('GET', `/api/runs/${runId}/state`)).json?.approvals?.length ? true : undefined), { intervalMs: 100 });
    await stack.api('POST', `/api/runs/${runId}/approve`, { comment: 'ok' });
    await stack.waitForRun(runId);

    const res = await stack.app.request(`/api/runs/${runId}/events`, { headers: { authorization: `Bearer ${stack.token}` } });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const events = parseSse(await res.text());
    const seq = events.map((e) => (e.nodeId ? `${e.type}:${e.nodeId}` : `${e.type}:${(e.data as { status: string }).status}`));
    expect(seq[0]).toBe('run:queued');
    expect(seq.at(-1)).toBe('run:completed');
    for (const step of ['run:running', 'started:start', 'succeeded:start', 'waiting:manager', 'run:waiting', 'succeeded:manager', 'succeeded:pay', 'skipped:refuse', 'succeeded:done']) {
      expect(seq).toContain(step);
    }
    expect(seq.indexOf('waiting:manager')).toBeLessThan(seq.indexOf('succeeded:manager'));
    const ids = events.map((e) => e.id);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);

    // A client that reconnects with Last-Event-ID gets exactly what it missed.
    const middle = events[4]!.id;
    const again = await stack.app.request(`/api/runs/${runId}/events`, { headers: { authorization: `Bearer ${stack.token}`, 'last-event-id': String(middle) } });
    expect(parseSse(await again.text()).map((e) => e.id)).toEqual(ids.filter((id) => id > middle));
  });

  it('keeps outputs over 64 KiB out of Temporal history and resolves them in the run view', async () => {
    const doc = chain('big data', [
      { id: 'start', type: 'control.trigger' },
      { id: 'big', type: 'analysis.transform', params: { expression: '[1..30000].{ "n": $, "label": "item " & $string($) }', timeoutMs: 30000 } },
      { id: 'count', type: 'analysis.transform', params: { expression: '$count($input)' } },
      { id: 'out', type: 'control.output', params: { value: '{{ { "count": $input, "last": $nodes.big.output[-1].label } }}' } },
    ]);
    const runId = await stack.startRun(await stack.createWorkflow(doc));
    const run = await stack.waitForRun(runId);
    expect({ status: run.status, error: run.error }).toEqual({ status: 'completed', error: null });
    expect(run.output).toEqual({ count: 30000, last: 'item 30000' });
    const big = run.nodes.find((n) => n.id === 'big')!.output as unknown[];
    expect(big).toHaveLength(30000);
    const history = await stack.temporal.client.workflow.getHandle(runId).fetchHistory();
    const bytes = JSON.stringify(history).length;
    expect(bytes).toBeLessThan(64 * 1024); // the ~1 MB output never entered history
    expect(JSON.stringify(history)).not.toContain('item 29999');
  });
});

describe('a loop of 10,000 items', () => {
  let stack: Stack;
  useStack('pglite', (s) => (stack = s));

  it('completes through continue-as-new, with every result in order', async () => {
    const doc = chain('ten thousand', [
      { id: 'start', type: 'control.trigger' },
      { id: 'each', type: 'control.loop', params: { items: '{{ [1..$input.n] }}', concurrency: 25, body: { type: 'analysis.transform', params: { expression: '$item * 2' } } } },
      { id: 'sum', type: 'analysis.transform', params: { expression: '{ "count": $count($input), "sum": $sum($input), "first": $input[0], "last": $input[-1] }' } },
      { id: 'out', type: 'control.output' },
    ]);
    const runId = await stack.startRun(await stack.createWorkflow(doc), { n: 10_000 });
    const run = await stack.waitForRun(runId, 600_000);
    expect(run.status).toBe('completed');
    expect(run.output).toEqual({ count: 10_000, sum: 100_010_000, first: 2, last: 20_000 });
    // The loop's child workflow continued as new instead of growing one huge history.
    const executions: string[] = [];
    for await (const w of stack.temporal.client.workflow.list({ query: `WorkflowId = '${runId}-each-loop'` })) executions.push(w.runId);
    expect(executions.length).toBeGreaterThanOrEqual(20);
  }, 900_000);
});
