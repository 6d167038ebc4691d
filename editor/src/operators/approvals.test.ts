import type { NodeRunView, RunView } from '@weft/schemas';
import { describe, expect, it } from 'vitest';
import { pendingApprovals } from './approvals';

const node = (id: string, type: string, status: NodeRunView['status'], startedAt: string | null = null): NodeRunView => ({
  id,
  type,
  status,
  attempts: 1,
  output: null,
  error: null,
  startedAt,
  finishedAt: null,
});
const run = (status: RunView['status'], nodes: NodeRunView[]): RunView => ({
  id: 'run_1',
  workflowId: 'wf_1',
  version: 1,
  hash: 'h',
  status,
  input: {},
  output: null,
  error: null,
  createdAt: '2026-01-01T00:00:00Z',
  startedAt: null,
  finishedAt: null,
  nodes,
});
const workflow = {
  document: {
    schemaVersion: 1,
    name: 'Payouts',
    nodes: [{ id: 'boss', type: 'security.approval', params: { title: 'Pay it?', description: 'Check the amount' }, position: { x: 0, y: 0 } }],
    edges: [],
  },
} as never;

describe('pendingApprovals', () => {
  it('lists waiting approval nodes with their titles from the workflow', () => {
    const found = pendingApprovals(run('waiting', [node('start', 'control.trigger', 'succeeded'), node('boss', 'security.approval', 'waiting', '2026-01-01T00:01:00Z')]), workflow);
    expect(found).toEqual([
      { runId: 'run_1', workflowId: 'wf_1', workflowName: 'Payouts', nodeId: 'boss', title: 'Pay it?', description: 'Check the amount', waitingSince: '2026-01-01T00:01:00Z' },
    ]);
  });

  it('ignores decided approvals, other waiting nodes and runs no longer waiting', () => {
    expect(pendingApprovals(run('waiting', [node('boss', 'security.approval', 'succeeded'), node('sub', 'control.subworkflow', 'waiting')]), workflow)).toEqual([]);
    expect(pendingApprovals(run('running', [node('boss', 'security.approval', 'waiting')]), workflow)).toEqual([]);
  });

  it('falls back to a generic title and the workflow id when the workflow is unknown', () => {
    const [only] = pendingApprovals(run('waiting', [node('x', 'security.approval', 'waiting')]), undefined);
    expect(only).toMatchObject({ title: 'Approval needed', workflowName: 'wf_1', description: null });
  });

  it('puts the longest-waiting first', () => {
    const found = pendingApprovals(run('waiting', [node('b', 'security.approval', 'waiting', '2026-01-01T00:05:00Z'), node('a', 'security.approval', 'waiting', '2026-01-01T00:01:00Z')]), undefined);
    expect(found.map((f) => f.nodeId)).toEqual(['a', 'b']);
  });
});
