import type { Workflow } from '@weft/schemas';
import { describe, expect, it } from 'vitest';
import { toFlow, type CatalogEntry } from './to-flow';

function nodeType(type: string, title: string, inputs: string[], outputs: string[]): CatalogEntry {
  return { type, kind: type.split('.')[0]!, title, inputs, outputs };
}

const types = new Map(
  [
    nodeType('control.trigger', 'Trigger', [], ['out']),
    nodeType('analysis.transform', 'Transform', ['in'], ['out']),
    nodeType('control.output', 'Output', ['in'], []),
  ].map((t) => [t.type, t]),
);

const document: Pick<Workflow, 'nodes' | 'edges'> = {
  nodes: [
    { id: 'start', type: 'control.trigger', params: {}, position: { x: 0, y: 0 } },
    { id: 'shape', type: 'analysis.transform', label: 'Shape the order', params: { expression: '$' }, position: { x: 280, y: 40 } },
    { id: 'done', type: 'control.output', params: {}, position: { x: 560, y: 0 } },
  ],
  edges: [
    { id: 'e1', source: 'start', sourcePort: 'out', target: 'shape', targetPort: 'in' },
    { id: 'e2', source: 'shape', sourcePort: 'out', target: 'done', targetPort: 'in', when: '$.total > 100' },
  ],
};

describe('toFlow', () => {
  it('places each node at its document position', () => {
    const { nodes } = toFlow(document, types);
    expect(nodes.map((n) => [n.id, n.position])).toEqual([
      ['start', { x: 0, y: 0 }],
      ['shape', { x: 280, y: 40 }],
      ['done', { x: 560, y: 0 }],
    ]);
    expect(nodes.every((n) => n.type === 'step')).toBe(true);
  });

  it('labels a node with its label, or its id when it has none', () => {
    const { nodes } = toFlow(document, types);
    expect(nodes.map((n) => n.data.label)).toEqual(['start', 'Shape the order', 'done']);
  });

  it("takes ports and title from the node's type", () => {
    const [start, shape, done] = toFlow(document, types).nodes;
    expect(start!.data).toMatchObject({ typeTitle: 'Trigger', kind: 'control', inputs: [], outputs: ['out'] });
    expect(shape!.data).toMatchObject({ typeTitle: 'Transform', inputs: ['in'], outputs: ['out'] });
    expect(done!.data).toMatchObject({ typeTitle: 'Output', inputs: ['in'], outputs: [] });
  });

  it('falls back to the type id and the ports edges name when the type is unknown', () => {
    const { nodes } = toFlow(document, new Map());
    expect(nodes[1]!.data).toMatchObject({ typeTitle: 'analysis.transform', kind: null, inputs: ['in'], outputs: ['out'] });
    expect(nodes[0]!.data).toMatchObject({ inputs: [], outputs: ['out'] });
  });

  it('adds a port an edge names that the type does not declare, so the edge has a handle', () => {
    const withErrorPort = { ...document, edges: [...document.edges, { id: 'e3', source: 'shape', sourcePort: 'error', target: 'done', targetPort: 'in' }] };
    expect(toFlow(withErrorPort, types).nodes[1]!.data.outputs).toEqual(['out', 'error']);
  });

  it('connects edges from source port to target port as handle ids', () => {
    const { edges } = toFlow(document, types);
    expect(edges[0]).toMatchObject({ id: 'e1', source: 'start', sourceHandle: 'out', target: 'shape', targetHandle: 'in' });
    expect(edges[0]!.label).toBeUndefined();
  });

  it('labels a conditional edge with its condition', () => {
    const { edges } = toFlow(document, types);
    expect(edges[1]).toMatchObject({ label: 'if $.total > 100', data: { when: '$.total > 100' } });
  });

  it('shortens a long condition in the edge label but keeps it whole in the edge data', () => {
    const long = '$.customer.tier in ["gold", "platinum"]';
    const { edges } = toFlow({ ...document, edges: [{ ...document.edges[1]!, when: long }] }, types);
    expect(edges[0]!.label).toBe('if $.customer.ti…');
    expect(edges[0]!.data).toEqual({ when: long });
  });

  it('keeps node data serializable', () => {
    const { nodes, edges } = toFlow(document, types);
    expect(JSON.parse(JSON.stringify(nodes.map((n) => n.data)))).toEqual(nodes.map((n) => n.data));
    expect(JSON.parse(JSON.stringify(edges))).toEqual(edges);
  });

  it('lays nodes out in columns when every node sits at the same point', () => {
    const stacked = { ...document, nodes: document.nodes.map((n) => ({ ...n, position: { x: 0, y: 0 } })) };
    const xs = toFlow(stacked, types).nodes.map((n) => n.position.x);
    expect(xs[0]).toBeLessThan(xs[1]!);
    expect(xs[1]).toBeLessThan(xs[2]!);
  });
});
