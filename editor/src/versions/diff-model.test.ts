import type { Workflow, WorkflowDiff } from '@weft/schemas';
import { diffWorkflows } from '@weft/schemas';
import { describe, expect, it } from 'vitest';
import { diffView } from './diff-model';

const doc = (nodes: Workflow['nodes'], edges: Workflow['edges']): Workflow => ({
  schemaVersion: 1, name: 'w', nodes, edges, triggers: [{ type: 'manual' }], settings: { concurrency: 16 },
});
const node = (id: string, params: Record<string, unknown> = {}, x = 0) => ({ id, type: 'analysis.transform', params, position: { x, y: 0 } });

describe('diffView', () => {
  const from = doc([node('a'), node('b', { expression: '1' }), node('gone', {}, 500)], [
    { id: 'e1', source: 'a', sourcePort: 'out', target: 'b', targetPort: 'in' },
    { id: 'e2', source: 'b', sourcePort: 'out', target: 'gone', targetPort: 'in' },
  ]);
  const to = doc([node('a'), node('b', { expression: '2' }), node('new')], [
    { id: 'e1', source: 'a', sourcePort: 'out', target: 'b', targetPort: 'in' },
    { id: 'e3', source: 'b', sourcePort: 'out', target: 'new', targetPort: 'in' },
  ]);
  const view = diffView(from, to, diffWorkflows(from, to) as WorkflowDiff);

  it('marks every node of both versions as added, removed, changed or unchanged', () => {
    expect(view.nodeChange).toEqual({ a: 'unchanged', b: 'changed', new: 'added', gone: 'removed' });
    expect(view.counts).toEqual({ added: 1, removed: 1, changed: 1 });
    expect(view.document.nodes.find((n) => n.id === 'gone')!.position.x).toBe(500);
  });

  it('keeps removed edges beside the new ones', () => {
    expect(view.edgeChange).toEqual({ e1: 'unchanged', e3: 'added', e2: 'removed' });
  });

  it('lists each param change with its old and new value', () => {
    expect(view.params).toEqual([{ nodeId: 'b', path: 'params.expression', kind: 'changed', from: '1', to: '2' }]);
  });

  it('keeps an edge that was re-pointed under the same id apart from its old self', () => {
    const moved = doc(to.nodes, [{ id: 'e1', source: 'a', sourcePort: 'out', target: 'new', targetPort: 'in' }]);
    const v = diffView(to, moved, diffWorkflows(to, moved) as WorkflowDiff);
    expect(v.edgeChange['e1']).toBe('added');
    expect(v.edgeChange['e1 (before)']).toBe('removed');
  });
});
