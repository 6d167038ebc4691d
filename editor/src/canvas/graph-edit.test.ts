import { describe, expect, it } from 'vitest';
import type { EditableWorkflow } from '../store/document-store';
import { addEdge, addNode, connectionProblem, defaultParams, freshId, movePositions, outputPorts, removeElements, type PortSpec } from './graph-edit';

const catalog = new Map<string, PortSpec>([
  ['control.trigger', { inputs: [], outputs: ['out'] }],
  ['analysis.transform', { inputs: ['in'], outputs: ['out'] }],
  ['control.branch', { inputs: ['in'], outputs: ['true', 'false'] }],
  ['control.switch', { inputs: ['in'], outputs: ['default'], dynamicOutputs: { param: 'cases', field: 'port' } }],
  ['strategy.route', { inputs: ['in'], outputs: ['default'], dynamicOutputs: { param: 'routes', field: 'port', fallback: 'default' } }],
  ['strategy.agent', { inputs: ['in', 'tools'], outputs: ['out', 'error'] }],
]);

function doc(): EditableWorkflow {
  return {
    schemaVersion: 1,
    name: 'w',
    nodes: [
      { id: 'start', type: 'control.trigger', params: {}, position: { x: 0, y: 0 } },
      { id: 'a', type: 'analysis.transform', params: {}, position: { x: 100, y: 0 } },
      { id: 'b', type: 'analysis.transform', params: {}, position: { x: 200, y: 0 }, policy: { onError: 'route' } },
      { id: 's', type: 'control.switch', params: { cases: [{ port: 'big' }, { port: 'small' }] }, position: { x: 300, y: 0 } },
    ],
    edges: [
      { id: 'e1', source: 'start', sourcePort: 'out', target: 'a', targetPort: 'in' },
      { id: 'e2', source: 'a', sourcePort: 'out', target: 'b', targetPort: 'in' },
    ],
  };
}

describe('connection rules', () => {
  const attempt = (source: string, sourceHandle: string, target: string, targetHandle = 'in') => connectionProblem(doc(), catalog, { source, sourceHandle, target, targetHandle });

  it('accepts an output port connected to an input port', () => {
    expect(attempt('b', 'out', 's')).toBeNull();
  });

  it('refuses a source port that is not an output and a target port that is not an input', () => {
    expect(attempt('a', 'in', 's')).toMatch(/not an output/);
    expect(attempt('b', 'out', 's', 'out')).toMatch(/not an input/);
    expect(attempt('b', 'out', 'start', 'in')).toMatch(/not an input/);
  });

  it('refuses self-loops, duplicates and cycles', () => {
    expect(attempt('a', 'out', 'a')).toMatch(/itself/);
    expect(attempt('start', 'out', 'a')).toMatch(/already connected/);
    expect(attempt('b', 'out', 'a')).toMatch(/cycle/);
    expect(attempt('b', 'error', 'start', 'in')).not.toBeNull();
  });

  it('offers dynamic outputs and the error port of a node that routes errors', () => {
    expect(outputPorts(doc().nodes[3]!, catalog.get('control.switch'))).toEqual(['default', 'big', 'small']);
    expect(outputPorts(doc().nodes[2]!, catalog.get('analysis.transform'))).toEqual(['out', 'error']);
    expect(outputPorts(doc().nodes[1]!, catalog.get('analysis.transform'))).toEqual(['out']);
  });

  it('leaves out a fallback port the node does not use', () => {
    const route = (fallback?: string) => ({ params: { routes: [{ port: 'bug' }, { port: 'question' }], ...(fallback ? { default: fallback } : {}) } });
    expect(outputPorts(route(), catalog.get('strategy.route'))).toEqual(['default', 'bug', 'question']);
    expect(outputPorts(route('default'), catalog.get('strategy.route'))).toEqual(['default', 'bug', 'question']);
    expect(outputPorts(route('question'), catalog.get('strategy.route'))).toEqual(['bug', 'question']);
    expect(attempt('s', 'big', 'a')).toBeNull();
    expect(attempt('s', 'nope', 'a')).toMatch(/not an output/);
    expect(attempt('b', 'error', 's')).toBeNull();
  });
});

describe('tools of an agent', () => {
  const withAgents = (): EditableWorkflow => {
    const d = doc();
    return {
      ...d,
      nodes: [...d.nodes, { id: 'agent', type: 'strategy.agent', params: {}, position: { x: 0, y: 0 } }, { id: 'other', type: 'strategy.agent', params: {}, position: { x: 0, y: 0 } }, { id: 'lookup', type: 'analysis.transform', params: {}, position: { x: 0, y: 0 } }, { id: 'free', type: 'analysis.transform', params: {}, position: { x: 0, y: 0 } }],
      edges: [...d.edges, { id: 't1', source: 'lookup', sourcePort: 'out', target: 'agent', targetPort: 'tools' }],
    };
  };
  const attempt = (source: string, target: string, targetHandle = 'in') => connectionProblem(withAgents(), catalog, { source, sourceHandle: 'out', target, targetHandle });

  it('wires a free node to an agent\'s tools port', () => {
    expect(attempt('free', 'agent', 'tools')).toBeNull();
  });

  it('refuses a tool any other connection, a second agent, and a trigger as a tool', () => {
    expect(attempt('lookup', 'other', 'tools')).toMatch(/already a tool of agent: a node can be the tool of one agent only/);
    expect(attempt('lookup', 'agent', 'tools')).toMatch(/already connected|already a tool/);
    expect(attempt('lookup', 's')).toMatch(/lookup is a tool of agent: it runs only when the agent calls it/);
    expect(attempt('b', 'lookup')).toMatch(/lookup is a tool of agent/);
    expect(attempt('a', 'agent', 'tools')).toMatch(/a has other connections/);
    expect(attempt('start', 'agent', 'tools')).toMatch(/has other connections|trigger/);
  });

  it('says a trigger cannot be a tool', () => {
    const triggers = new Map(catalog);
    triggers.set('control.trigger', { inputs: [], outputs: ['out'], trigger: true });
    const d = { ...withAgents(), edges: [] };
    expect(connectionProblem(d, triggers, { source: 'start', sourceHandle: 'out', target: 'agent', targetHandle: 'tools' })).toMatch(/a trigger cannot be a tool/);
  });
});

describe('adding and removing', () => {
  it('gives new nodes unique ids named after their type, with the schema defaults', () => {
    const type = { type: 'analysis.transform', params: { type: 'object', properties: { expression: { type: 'string', default: '$input' }, timeoutMs: { type: 'number' } } } };
    const first = addNode(doc(), type, { x: 10.4, y: 20.6 });
    const second = addNode(first.doc, type, { x: 0, y: 0 });
    expect(first.id).toBe('transform_1');
    expect(second.id).toBe('transform_2');
    expect(first.doc.nodes.at(-1)).toEqual({ id: 'transform_1', type: 'analysis.transform', params: { expression: '$input' }, position: { x: 10, y: 21 } });
    expect(defaultParams(undefined)).toEqual({});
    expect(freshId('1x', new Set())).toBe('n_1x_1');
  });

  it('adds an edge between the ports of a connection', () => {
    const next = addEdge(doc(), { source: 'b', sourceHandle: 'error', target: 's', targetHandle: 'in' });
    expect(next.edges.at(-1)).toEqual({ id: 'e_1', source: 'b', sourcePort: 'error', target: 's', targetPort: 'in' });
  });

  it('removes nodes with their edges and group memberships in one new document', () => {
    const d = { ...doc(), groups: [{ id: 'g', label: 'G', nodes: ['a'], collapsed: false }, { id: 'h', label: 'H', nodes: ['a', 'b'], collapsed: false }] };
    const next = removeElements(d, ['a'], []);
    expect(next.nodes.map((n) => n.id)).toEqual(['start', 'b', 's']);
    expect(next.edges).toEqual([]);
    expect(next.groups).toEqual([{ id: 'h', label: 'H', nodes: ['b'], collapsed: false }]);
    expect(removeElements(d, [], ['nope'])).toBe(d);
    expect(removeElements(d, [], ['e2']).edges.map((e) => e.id)).toEqual(['e1']);
  });

  it('moves only the nodes whose position changed', () => {
    const d = doc();
    expect(movePositions(d, new Map([['a', { x: 100, y: 0 }]]))).toBe(d);
    const moved = movePositions(d, new Map([['a', { x: 150.2, y: 5 }]]));
    expect(moved.nodes[1]!.position).toEqual({ x: 150, y: 5 });
    expect(moved.nodes[0]).toBe(d.nodes[0]);
  });
});
