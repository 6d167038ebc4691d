import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { validateWorkflow, type NodeTypeSpec } from './validate.js';

const catalog = new Map<string, NodeTypeSpec>([
  ['control.trigger', { params: z.object({}).strict(), inputs: [], outputs: ['out'], trigger: true }],
  ['analysis.transform', { params: z.object({ expression: z.string().min(1) }).strict(), inputs: ['in'], outputs: ['out'], expressionParams: ['expression'] }],
  ['execution.http', { params: z.object({ url: z.string().min(1), method: z.enum(['GET', 'POST']).default('GET') }).strict(), inputs: ['in'], outputs: ['out'] }],
  ['control.output', { params: z.object({ value: z.unknown().optional() }).strict(), inputs: ['in'], outputs: [] }],
]);

function doc(over: Record<string, unknown> = {}) {
  return {
    schemaVersion: 1,
    name: 'w',
    nodes: [
      { id: 'start', type: 'control.trigger' },
      { id: 't', type: 'analysis.transform', params: { expression: '$input.a' } },
      { id: 'h', type: 'execution.http', params: { url: 'https://example.org/{{ $nodes.t.output }}' } },
      { id: 'out', type: 'control.output' },
    ],
    edges: [
      { id: 'e1', source: 'start', target: 't' },
      { id: 'e2', source: 't', target: 'h' },
      { id: 'e3', source: 'h', target: 'out' },
    ],
    ...over,
  };
}

function problems(input: unknown) {
  return validateWorkflow(input, catalog).problems.map((p) => ({ severity: p.severity, code: p.code, path: p.path, nodeId: p.nodeId }));
}

describe('validateWorkflow', () => {
  it('accepts a valid document and fills in defaults', () => {
    const r = validateWorkflow(doc(), catalog);
    expect(r.ok).toBe(true);
    expect(r.problems).toEqual([]);
    if (r.ok) {
      expect(r.document.settings.concurrency).toBe(16);
      expect(r.document.edges[0]).toMatchObject({ sourcePort: 'out', targetPort: 'in' });
    }
  });

  it.each([
    ['not an object', 'hello', '$'],
    ['null', null, '$'],
    ['wrong schema version', { ...doc(), schemaVersion: 2 }, '$.schemaVersion'],
    ['a node without a type', doc({ nodes: [{ id: 'start' }] }), '$.nodes[0].type'],
    ['an unknown top-level field', { ...doc(), extra: true }, '$'],
  ])('reports the shape problem of %s with its path', (_name, input, path) => {
    const r = validateWorkflow(input, catalog);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.kind).toBe('shape');
    expect(r.problems.map((p) => p.path)).toContain(path);
  });

  it('reports duplicate node and edge ids', () => {
    const d = doc();
    d.nodes.push({ id: 't', type: 'analysis.transform', params: { expression: '1' } });
    d.edges.push({ id: 'e1', source: 't', target: 'h' });
    expect(problems(d)).toEqual(
      expect.arrayContaining([
        { severity: 'error', code: 'duplicate_id', path: '$.nodes[4].id', nodeId: 't' },
        { severity: 'error', code: 'duplicate_id', path: '$.edges[3].id', nodeId: undefined },
      ]),
    );
  });

  it('reports an unknown node type', () => {
    const d = doc();
    d.nodes[1] = { id: 't', type: 'analysis.nope', params: {} } as never;
    expect(problems(d)).toContainEqual({ severity: 'error', code: 'unknown_type', path: '$.nodes[1].type', nodeId: 't' });
  });

  it('points params problems inside params', () => {
    const d = doc();
    d.nodes[2] = { id: 'h', type: 'execution.http', params: { url: '', method: 'BREW' } } as never;
    expect(problems(d)).toEqual(
      expect.arrayContaining([
        { severity: 'error', code: 'invalid_params', path: '$.nodes[2].params.url', nodeId: 'h' },
        { severity: 'error', code: 'invalid_params', path: '$.nodes[2].params.method', nodeId: 'h' },
      ]),
    );
  });

  it('reports edges to or from missing nodes and ports a type does not have', () => {
    const d = doc();
    d.edges.push({ id: 'e4', source: 'ghost', target: 'out' } as never);
    d.edges.push({ id: 'e5', source: 't', sourcePort: 'maybe', target: 'out' } as never);
    expect(problems(d)).toEqual(
      expect.arrayContaining([
        { severity: 'error', code: 'missing_node', path: '$.edges[3].source', nodeId: undefined },
        { severity: 'error', code: 'unknown_port', path: '$.edges[4].sourcePort', nodeId: 't' },
      ]),
    );
  });

  it('names the nodes of a cycle', () => {
    const d = doc();
    d.edges.push({ id: 'back', source: 'h', target: 't' } as never);
    const r = validateWorkflow(d, catalog);
    const cycle = r.problems.find((p) => p.code === 'cycle');
    expect(cycle?.message).toContain('t → h → t');
    expect(cycle?.nodeId).toBe('t');
  });

  it('requires a trigger and warns about unreachable nodes', () => {
    const d = doc();
    d.nodes = d.nodes.filter((n) => n.id !== 'start');
    d.edges = d.edges.filter((e) => e.source !== 'start');
    expect(problems(d)).toContainEqual({ severity: 'error', code: 'no_trigger', path: '$.nodes', nodeId: undefined });

    const lonely = doc();
    lonely.nodes.push({ id: 'island', type: 'analysis.transform', params: { expression: '1' } });
    const r = validateWorkflow(lonely, catalog);
    expect(r.ok).toBe(true);
    expect(r.problems).toContainEqual(expect.objectContaining({ severity: 'warning', code: 'unreachable', nodeId: 'island', path: '$.nodes[4]' }));
  });

  it('reports expressions that do not parse, in templates, bare params and edge conditions', () => {
    const d = doc();
    d.nodes[1] = { id: 't', type: 'analysis.transform', params: { expression: '$input.(' } };
    d.nodes[2] = { id: 'h', type: 'execution.http', params: { url: 'https://x/{{ 1 + }}' } };
    (d.edges[2] as Record<string, unknown>)['when'] = '= 3';
    const codes = problems(d).filter((p) => p.code === 'expression_syntax').map((p) => p.path);
    expect(codes).toEqual(['$.edges[2].when', '$.nodes[1].params.expression', '$.nodes[2].params.url']);
  });

  it('reports references to nodes that are not upstream', () => {
    const d = doc();
    d.nodes[1] = { id: 't', type: 'analysis.transform', params: { expression: '$nodes.h.output' } };
    d.nodes[2] = { id: 'h', type: 'execution.http', params: { url: 'https://x/{{ $nodes.nobody.output }}' } };
    expect(problems(d)).toEqual(
      expect.arrayContaining([
        { severity: 'error', code: 'bad_reference', path: '$.nodes[1].params.expression', nodeId: 't' },
        { severity: 'error', code: 'bad_reference', path: '$.nodes[2].params.url', nodeId: 'h' },
      ]),
    );
  });

  it('never throws, whatever it is given', () => {
    const weird: unknown[] = [undefined, 0, [], { nodes: 'x' }, { schemaVersion: 1, name: 'x', nodes: [{ id: 'a', type: 'control.trigger', params: [] }] }, Object.create(null)];
    for (const w of weird) expect(() => validateWorkflow(w, catalog)).not.toThrow();
  });
});
