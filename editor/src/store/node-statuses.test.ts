import type { NodeRunView, RunView } from '@weft/schemas';
import { describe, expect, it } from 'vitest';
import { displayStatus, nodeStatusesOf } from './node-statuses';

function nodeRun(id: string, status: NodeRunView['status']): NodeRunView {
  return { id, type: 'analysis.transform', status, attempts: 1, output: null, error: null, startedAt: null, finishedAt: null };
}

function run(nodes: NodeRunView[]): Pick<RunView, 'nodes'> {
  return { nodes };
}

describe('node statuses of a run', () => {
  it('maps every node of the run to its status', () => {
    const statuses = nodeStatusesOf(run([nodeRun('trigger', 'succeeded'), nodeRun('http', 'retrying')]));
    expect(statuses).toEqual({ trigger: 'succeeded', http: 'retrying' });
  });

  it('shows none for every node when there is no run', () => {
    const statuses = nodeStatusesOf(null);
    expect(displayStatus(statuses, 'trigger')).toBe('none');
    expect(displayStatus(statuses, 'http')).toBe('none');
  });

  it('shows none for a node the run does not mention', () => {
    const statuses = nodeStatusesOf(run([nodeRun('trigger', 'succeeded')]));
    expect(displayStatus(statuses, 'trigger')).toBe('succeeded');
    expect(displayStatus(statuses, 'output')).toBe('none');
  });

  it('does not mistake inherited object keys for node ids', () => {
    expect(displayStatus(nodeStatusesOf(null), 'toString')).toBe('none');
  });
});
