import { describe, expect, it } from 'vitest';
import type { WorkflowInput } from '@weft/schemas';
import { listEvents } from '@weft/store/repositories/run.repository';
import { BACKENDS } from '@weft/store/testing';
import type { Stack } from './testing/stack.js';
import { useStack } from './testing/suite.js';

type Node = WorkflowInput['nodes'][number];
type Edge = NonNullable<WorkflowInput['edges']>[number];

/** The nodes in a chain, each fed by the one before; `when` puts a condition on the edge into a node. */
function chain(name: string, nodes: readonly (Node & { when?: string })[]): WorkflowInput {
  const edges: Edge[] = nodes.slice(1).map((n, i) => ({ id: `e${i + 1}`, source: nodes[i]!.id, target: n.id, ...(n.when ? { when: n.when } : {}) }));
  return { schemaVersion: 1, name, nodes: nodes.map(({ when: _when, ...n }) => n), edges };
}

const transform = (id: string, expression: string): Node => ({ id, type: 'analysis.transform', params: { expression } });
const code = (id: string, body: string, policy?: Node['policy']): Node => ({ id, type: 'execution.code', params: { code: body }, ...(policy ? { policy } : {}) });

/** What the run's Temporal history shows of how its nodes ran. */
async function activitiesOf(stack: Stack, runId: string) {
  // The run's row ends inside the workflow's last task, before Temporal records that task.
  const handle = stack.temporal.client.workflow.getHandle(runId);
  await handle.result();
  const history = await handle.fetchHistory();
  const events = history.events ?? [];
  return {
    /** Regular activities scheduled (each a round trip through the server). */
    scheduled: events.filter((e) => e.activityTaskScheduledEventAttributes).map((e) => e.activityTaskScheduledEventAttributes!.activityType?.name),
    /** Local activities recorded as markers (run statuses, light nodes, chains). */
    local: events.filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity').length,
  };
}

describe.each(BACKENDS)('chains of pure nodes on %s', (backend) => {
  let stack: Stack;
  useStack(backend, (s) => (stack = s));

  it('runs a chain of transforms and code nodes in one activity, and records every node on its own', async () => {
    const wf = await stack.createWorkflow(
      chain('pure chain', [
        { id: 'start', type: 'control.trigger' },
        transform('double', '{ "n": $input.n * 2 }'),
        code('square', 'return { n: input.n * input.n, seen: Object.keys(nodes).sort() };'),
        transform('label', '{ "n": $input.n, "text": "n=" & $string($input.n) }'),
        { id: 'out', type: 'control.output' },
      ]),
    );
    const runId = await stack.startRun(wf, { n: 3 });
    const run = await stack.waitForRun(runId);

    expect(run.status).toBe('completed');
    expect(run.output).toEqual({ n: 36, text: 'n=36' });
    expect(run.nodes.map((n) => [n.id, n.status, n.attempts])).toEqual([
      ['start', 'succeeded', 1],
      ['double', 'succeeded', 1],
      ['square', 'succeeded', 1],
      ['label', 'succeeded', 1],
      ['out', 'succeeded', 1],
    ]);
    const byId = Object.fromEntries(run.nodes.map((n) => [n.id, n]));
    // Each node has its own input, output and timing, as if it had run alone.
    expect(byId.square!.input).toEqual({ n: 6 });
    // The code node saw the outputs of every node before it in the chain.
    expect(byId.square!.output).toEqual({ n: 36, seen: ['double', 'start'] });
    expect(byId.label!.input).toEqual({ n: 36, seen: ['double', 'start'] });
    const order = ['start', 'double', 'square', 'label', 'out'];
    for (const [a, b] of order.slice(1).map((id, i) => [order[i]!, id] as const)) {
      expect(Date.parse(byId[a]!.finishedAt!)).toBeLessThanOrEqual(Date.parse(byId[b]!.startedAt!));
    }
    // The events tell the same story, node by node in chain order.
    const events = (await listEvents(stack.db.db, runId)).filter((e) => e.node_id !== null).map((e) => `${e.node_id}:${e.type}`);
    expect(events).toEqual(order.flatMap((id) => [`${id}:started`, `${id}:succeeded`]));

    // One local activity ran the five nodes: no regular activity, and besides the chain only the
    // run's two status writes.
    expect(await activitiesOf(stack, runId)).toEqual({ scheduled: [], local: 3 });
  });

  it('stops the chain where a node fails, and runs that node on its own with its error handling', async () => {
    const wf = await stack.createWorkflow(
      chain('chain with a failing node', [
        { id: 'start', type: 'control.trigger' },
        transform('before', '{ "n": $input.n + 1 }'),
        code('broken', 'throw new Error("no good: " + input.n);', { onError: 'continue' }),
        transform('after', '{ "caught": $input.error.message }'),
        { id: 'out', type: 'control.output' },
      ]),
    );
    const runId = await stack.startRun(wf, { n: 1 });
    const run = await stack.waitForRun(runId);

    expect(run.status).toBe('completed');
    expect(run.output).toEqual({ caught: expect.stringContaining('no good: 2') });
    const byId = Object.fromEntries(run.nodes.map((n) => [n.id, n]));
    // The failed try inside the chain is not recorded: the node's one attempt is the one it ran alone.
    expect([byId.broken!.status, byId.broken!.attempts, byId.broken!.input]).toEqual(['failed', 1, { n: 2 }]);
    expect(byId.after!.status).toBe('succeeded');
    // start+before in a chain, broken alone (a regular activity: code is not light), after+out in a chain.
    const { scheduled, local } = await activitiesOf(stack, runId);
    expect(scheduled).toEqual(['runNode']);
    expect(local).toBe(4);
  });

  it('stops the chain where an edge condition is false, and skips what follows', async () => {
    const wf = await stack.createWorkflow(
      chain('chain with a condition', [
        { id: 'start', type: 'control.trigger' },
        transform('check', '{ "ok": $input.n > 10 }'),
        { ...transform('big', '"big"'), when: '$input.ok = true' },
        transform('tail', '$input & "!"'),
        { id: 'out', type: 'control.output' },
      ]),
    );
    const runId = await stack.startRun(wf, { n: 1 });
    const run = await stack.waitForRun(runId);

    expect(run.status).toBe('completed');
    expect(run.nodes.map((n) => [n.id, n.status])).toEqual([
      ['start', 'succeeded'],
      ['check', 'succeeded'],
      ['big', 'skipped'],
      ['tail', 'skipped'],
      ['out', 'skipped'],
    ]);
    expect(await activitiesOf(stack, runId)).toEqual({ scheduled: [], local: 3 });

    // The same workflow with the condition true runs all five in one chain.
    const second = await stack.waitForRun(await stack.startRun(wf, { n: 11 }));
    expect(second.output).toBe('big!');
  });
});
