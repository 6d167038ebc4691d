import { describe, expect, it } from 'vitest';
import { diffWorkflows } from './diff.js';
import { Workflow, type WorkflowInput } from './workflow.js';

const base: WorkflowInput = {
  schemaVersion: 1,
  name: 'orders',
  nodes: [
    { id: 'start', type: 'control.trigger', position: { x: 0, y: 0 } },
    { id: 'call', type: 'execution.http', params: { url: 'https://a.example/orders', headers: { 'x-a': '1' } }, policy: { maxAttempts: 3 } },
    { id: 'done', type: 'control.output' },
  ],
  edges: [
    { id: 'e1', source: 'start', target: 'call' },
    { id: 'e2', source: 'call', target: 'done' },
  ],
  settings: { concurrency: 4 },
};
const v = (d: WorkflowInput) => Workflow.parse(d);

describe('diffWorkflows', () => {
  it('finds nothing between equal versions, and only a move when a node moved', () => {
    expect(diffWorkflows(v(base), v(base))).toMatchObject({ changed: false, nodes: { added: [], removed: [], changed: [], moved: [] } });
    const moved = { ...base, nodes: base.nodes.map((n) => (n.id === 'done' ? { ...n, position: { x: 500, y: 10 } } : n)) };
    expect(diffWorkflows(v(base), v(moved))).toMatchObject({ changed: false, nodes: { moved: ['done'], changed: [] } });
  });

  it('lists added and removed nodes and edges', () => {
    const next: WorkflowInput = {
      ...base,
      nodes: [...base.nodes.filter((n) => n.id !== 'done'), { id: 'log', type: 'analysis.transform', params: { expression: '$' } }],
      edges: [base.edges![0]!, { id: 'e3', source: 'call', target: 'log' }],
    };
    const d = diffWorkflows(v(base), v(next));
    expect(d.nodes.added).toEqual(['log']);
    expect(d.nodes.removed).toEqual(['done']);
    expect(d.edges.added.map((e) => e.id)).toEqual(['e3']);
    expect(d.edges.removed.map((e) => e.id)).toEqual(['e2']);
    expect(d.changed).toBe(true);
  });

  it('lists each changed param, policy field and setting with its path, old and new value', () => {
    const next: WorkflowInput = {
      ...base,
      name: 'orders v2',
      nodes: base.nodes.map((n) =>
        n.id === 'call' ? { ...n, params: { url: 'https://b.example/orders', headers: { 'x-b': '2' }, method: 'POST' }, policy: { maxAttempts: 5 } } : n,
      ),
      settings: { concurrency: 8 },
    };
    const d = diffWorkflows(v(base), v(next));
    expect(d.nodes.changed).toEqual([
      {
        id: 'call',
        params: [
          { path: '$.headers["x-a"]', kind: 'removed', from: '1' },
          { path: '$.headers["x-b"]', kind: 'added', to: '2' },
          { path: '$.method', kind: 'added', to: 'POST' },
          { path: '$.url', kind: 'changed', from: 'https://a.example/orders', to: 'https://b.example/orders' },
        ],
        policy: [{ path: '$.maxAttempts', kind: 'changed', from: 3, to: 5 }],
      },
    ]);
    expect(d.settings).toEqual([{ path: '$.concurrency', kind: 'changed', from: 4, to: 8 }]);
    expect(d.workflow).toEqual([{ path: '$.name', kind: 'changed', from: 'orders', to: 'orders v2' }]);
  });

  it('treats an edge whose condition changed as removed and added', () => {
    const next = { ...base, edges: [base.edges![0]!, { ...base.edges![1]!, when: '$.status = 200' }] };
    const d = diffWorkflows(v(base), v(next));
    expect(d.edges.removed.map((e) => e.id)).toEqual(['e2']);
    expect(d.edges.added).toEqual([expect.objectContaining({ id: 'e2', when: '$.status = 200' })]);
  });
});
