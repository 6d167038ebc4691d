import { describe, expect, it } from 'vitest';
import type { EditableWorkflow } from '../store/document-store';
import { flowEdges, reconcileNodes } from './flow-sync';
import { readImport } from './import-export';
import { dagrePositions } from './layout';
import { toFlow, type CatalogEntry } from './to-flow';

const catalog = new Map<string, CatalogEntry>([['analysis.transform', { type: 'analysis.transform', kind: 'analysis', title: 'Transform', inputs: ['in'], outputs: ['out'] }]]);
const doc: EditableWorkflow = {
  schemaVersion: 1,
  name: 'w',
  nodes: ['a', 'b', 'c'].map((id, i) => ({ id, type: 'analysis.transform', params: {}, position: { x: i * 300, y: 0 } })),
  edges: [{ id: 'e1', source: 'a', sourcePort: 'out', target: 'b', targetPort: 'in' }],
};

describe('canvas nodes from the document', () => {
  it('keeps the node objects of unchanged nodes, so their cards do not re-render', () => {
    const first = reconcileNodes(doc, catalog, new Set(), []);
    const moved = { ...doc, nodes: doc.nodes.map((n) => (n.id === 'c' ? { ...n, position: { x: 5, y: 5 } } : n)) };
    const second = reconcileNodes(moved, catalog, new Set(['a']), first);
    expect(second[1]).toBe(first[1]);
    expect(second[0]).not.toBe(first[0]);
    expect(second[0]!.selected).toBe(true);
    expect(second[2]!.position).toEqual({ x: 5, y: 5 });
    expect(second[2]!.data).toBe(first[2]!.data);
  });

  it('draws a frame under grouped nodes and hides the nodes of a collapsed group', () => {
    const grouped = { ...doc, groups: [{ id: 'g', label: 'G', nodes: ['a', 'b'], collapsed: true }] };
    const nodes = reconcileNodes(grouped, catalog, new Set(), []);
    expect(nodes[0]).toMatchObject({ id: 'g', type: 'frame', data: { label: 'G', count: 2, collapsed: true } });
    expect(nodes.filter((n) => n.hidden).map((n) => n.id)).toEqual(['a', 'b']);
    expect(flowEdges(grouped, new Set(), new Map())[0]!.hidden).toBe(true);
    expect(flowEdges(doc, new Set(), new Map())[0]!.hidden).toBe(false);
  });

  it('draws a document the way the read-only canvas does, with the selection added', () => {
    const conditional = { ...doc, edges: [{ ...doc.edges[0]!, when: '$count(\n  $input.items) > 2' }] };
    const readOnly = toFlow(conditional, catalog);
    expect(flowEdges(conditional, new Set(['e1']), new Map())).toEqual(readOnly.edges.map((e) => ({ ...e, selected: true, hidden: false })));
    expect(reconcileNodes(conditional, catalog, new Set(), []).map((n) => n.data)).toEqual(readOnly.nodes.map((n) => n.data));
  });
});

describe('auto-layout and import', () => {
  it('lays a chain out left to right', () => {
    const p = dagrePositions(doc.nodes, [...doc.edges, { source: 'b', target: 'c' }]);
    expect(p.get('a')!.x).toBeLessThan(p.get('b')!.x);
    expect(p.get('b')!.x).toBeLessThan(p.get('c')!.x);
  });

  it('reads an exported document and refuses what is not one', () => {
    const read = readImport(JSON.stringify({ schemaVersion: 1, name: 'x', nodes: [{ id: 'a', type: 'analysis.transform' }] }));
    expect(read.ok && read.doc.nodes[0]).toEqual({ id: 'a', type: 'analysis.transform', params: {}, position: { x: 0, y: 0 } });
    expect(readImport('nope')).toEqual({ ok: false, error: 'the file is not JSON' });
    expect(readImport('{"name":"x"}').ok).toBe(false);
  });
});

describe('tools on the canvas', () => {
  const agents = new Map<string, CatalogEntry>([...catalog, ['strategy.agent', { type: 'strategy.agent', kind: 'strategy', title: 'Agent', inputs: ['in', 'tools'], outputs: ['out', 'error'] }]]);
  const withTool: EditableWorkflow = {
    ...doc,
    nodes: [...doc.nodes, { id: 'boss', type: 'strategy.agent', params: {}, position: { x: 0, y: 300 } }],
    edges: [...doc.edges, { id: 't1', source: 'c', sourcePort: 'out', target: 'boss', targetPort: 'tools' }],
  };

  it('marks a node wired to an agent\'s tools port as that agent\'s tool, and draws its edge as a tool edge', () => {
    const nodes = reconcileNodes(withTool, agents, new Set(), []);
    const data = (id: string) => nodes.find((n) => n.id === id)!.data as { toolOf: string | null };
    expect(data('c').toolOf).toBe('boss');
    expect(data('a').toolOf).toBeNull();
    const edges = flowEdges(withTool, new Set(), new Map());
    expect(edges.find((e) => e.id === 't1')).toMatchObject({ className: 'edge--tool', data: { tool: true } });
    expect(edges.find((e) => e.id === 'e1')!.className).toBeUndefined();
  });

  it('draws a card again when the node stops being a tool', () => {
    const first = reconcileNodes(withTool, agents, new Set(), []);
    const unwired = { ...withTool, edges: doc.edges };
    const second = reconcileNodes(unwired, agents, new Set(), first);
    expect(second.find((n) => n.id === 'c')!.data).toMatchObject({ toolOf: null });
    expect(second.find((n) => n.id === 'a')).toBe(first.find((n) => n.id === 'a'));
  });
});
