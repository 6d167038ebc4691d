import { describe, expect, it } from 'vitest';
import type { EditableWorkflow } from '../store/document-store';
import { idProblem, renameNode } from './rename';

const at = { x: 0, y: 0 };
const doc: EditableWorkflow = {
  schemaVersion: 1,
  name: 'T',
  nodes: [
    { id: 'a', type: 'control.trigger', params: {}, position: at },
    { id: 'ab', type: 'analysis.transform', params: { expression: '$nodes.a.output' }, position: at },
    { id: 'c', type: 'control.output', params: { value: '{{ $nodes.ab.output & $nodes.a.output.x }}' }, position: at },
  ],
  edges: [
    { id: 'e1', source: 'a', sourcePort: 'out', target: 'ab', targetPort: 'in' },
    { id: 'e2', source: 'ab', sourcePort: 'out', target: 'c', targetPort: 'in', when: '$nodes.a.output.ok' },
  ],
};

describe('renameNode', () => {
  it('renames the node, its edges and the expressions that read it', () => {
    const next = renameNode(doc, 'a', 'start');
    expect(next.nodes.map((n) => n.id)).toEqual(['start', 'ab', 'c']);
    expect(next.edges.map((e) => [e.source, e.target])).toEqual([
      ['start', 'ab'],
      ['ab', 'c'],
    ]);
    expect(next.nodes[1]!.params).toEqual({ expression: '$nodes.start.output' });
    expect(next.nodes[2]!.params).toEqual({ value: '{{ $nodes.ab.output & $nodes.start.output.x }}' });
    expect(next.edges[1]!.when).toBe('$nodes.start.output.ok');
  });

  it('leaves the document as it is when nothing changes', () => {
    expect(renameNode(doc, 'a', 'a')).toBe(doc);
    expect(renameNode(doc, 'zz', 'y')).toBe(doc);
  });
});

describe('idProblem', () => {
  it('refuses malformed and duplicate ids', () => {
    expect(idProblem(doc, 'a', 'a')).toBeUndefined();
    expect(idProblem(doc, 'a', 'fresh-id')).toBeUndefined();
    expect(idProblem(doc, 'a', '1x')).toMatch(/letter/);
    expect(idProblem(doc, 'a', 'ab')).toMatch(/already/);
  });
});
