import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import fc from 'fast-check';
import { validateWorkflow, type NodeTypeSpec } from './validate.js';

const catalog = new Map<string, NodeTypeSpec>([
  ['control.trigger', { params: z.object({}).strict(), inputs: [], outputs: ['out'], trigger: true, output: z.unknown() }],
  ['analysis.transform', { params: z.object({ expression: z.string().min(1) }).strict(), inputs: ['in'], outputs: ['out'], expressionParams: ['expression'], output: z.unknown() }],
  [
    'execution.http',
    {
      params: z.object({ url: z.string().min(1), method: z.enum(['GET', 'POST']).default('GET') }).strict(),
      inputs: ['in'],
      outputs: ['out'],
      output: z.object({ status: z.number(), headers: z.record(z.string(), z.string()), body: z.unknown(), meta: z.looseObject({ took: z.number() }) }),
    },
  ],
  ['control.output', { params: z.object({ value: z.unknown().optional() }).strict(), inputs: ['in'], outputs: [] }],
  ['strategy.agent', { params: z.object({ task: z.string() }).strict(), inputs: ['in', 'tools'], outputs: ['out', 'error'], mode: 'agent', output: z.object({ answer: z.unknown() }) }],
  ['control.wait', { params: z.object({}).strict(), inputs: ['in'], outputs: ['out'], mode: 'wait' }],
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

  it('has no static fallback port on a node whose fallback is one of its named ports', () => {
    const route: NodeTypeSpec = {
      params: z.object({ routes: z.array(z.object({ port: z.string() })), default: z.string().default('default') }).strict(),
      inputs: ['in'],
      outputs: ['default'],
      dynamicOutputs: { param: 'routes', field: 'port', fallback: 'default' },
    };
    const withRoute = new Map([...catalog, ['strategy.route', route]]);
    const d = (fallback: string) => ({
      schemaVersion: 1,
      name: 'w',
      nodes: [
        { id: 'start', type: 'control.trigger' },
        { id: 'r', type: 'strategy.route', params: { routes: [{ port: 'bug' }], default: fallback } },
        { id: 'a', type: 'control.output' },
        { id: 'b', type: 'control.output' },
      ],
      edges: [
        { id: 'e1', source: 'start', target: 'r' },
        { id: 'e2', source: 'r', sourcePort: 'bug', target: 'a' },
        { id: 'e3', source: 'r', sourcePort: 'default', target: 'b' },
      ],
    });
    expect(validateWorkflow(d('default'), withRoute).problems).toEqual([]);
    expect(validateWorkflow(d('bug'), withRoute).problems).toEqual([
      { severity: 'error', code: 'unknown_port', path: '$.edges[2].sourcePort', message: 'node "r" has no output port "default" (ports: bug)', nodeId: 'r' },
      { severity: 'warning', code: 'unreachable', path: '$.nodes[3]', message: 'node "b" cannot be reached from a trigger and will never run', nodeId: 'b' },
    ]);
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

  it('reads a document given as JSON text, and reports text that is not JSON', () => {
    expect(validateWorkflow(JSON.stringify(doc()), catalog).ok).toBe(true);
    expect(problems('{"schemaVersion": 1,')).toEqual([{ severity: 'error', code: 'invalid_json', path: '$', nodeId: undefined }]);
  });

  it('refuses a document from a newer Weft with a clear message', () => {
    const r = validateWorkflow({ ...doc(), schemaVersion: 7 }, catalog);
    expect(r.problems).toEqual([expect.objectContaining({ code: 'newer_version', path: '$.schemaVersion', message: expect.stringContaining('reads up to 1') })]);
  });

  it('checks fields read from an upstream output against its output schema', () => {
    const read = (expr: string) => {
      const d = doc();
      d.nodes[3] = { id: 'out', type: 'control.output', params: { value: `{{ ${expr} }}` } } as never;
      return problems(d).filter((p) => p.code === 'unknown_field');
    };
    expect(read('$nodes.h.output.status')).toEqual([]);
    expect(read('$nodes.h.output.body.anything.deep')).toEqual([]); // body is unknown: nothing to check
    expect(read('$nodes.t.output.whatever')).toEqual([]); // transform output is open-ended
    expect(read('$nodes.h.output.stauts')).toEqual([{ severity: 'error', code: 'unknown_field', path: '$.nodes[3].params.value', nodeId: 'out' }]);
    expect(read('$nodes.h.output.meta.extra')).toEqual([{ severity: 'warning', code: 'unknown_field', path: '$.nodes[3].params.value', nodeId: 'out' }]);
    const d = doc();
    d.nodes[3] = { id: 'out', type: 'control.output', params: { value: '{{ $nodes.h.output.stauts }}' } } as never;
    expect(validateWorkflow(d, catalog).problems[0]!.message).toContain('fields: status, headers, body, meta');
  });

  it('checks fields read from a trigger against the declared run input', () => {
    const d = doc({ inputSchema: { type: 'object', properties: { a: { type: 'string' }, order: { type: 'object', properties: { id: { type: 'string' } } } }, required: ['a'] } });
    d.nodes[2] = { id: 'h', type: 'execution.http', params: { url: 'https://example.org/{{ $nodes.start.output.a }}/{{ $nodes.start.output.order.id }}/{{ $nodes.start.output.b }}' } };
    expect(validateWorkflow(d, catalog).problems).toEqual([
      { severity: 'error', code: 'unknown_field', path: '$.nodes[2].params.url', message: '$nodes.start.output.b: the run input has no field "b" (fields: a, order)', nodeId: 'h' },
    ]);
    // Without declared fields, anything may be read.
    expect(validateWorkflow({ ...d, inputSchema: { type: 'object' } }, catalog).problems).toEqual([]);
  });

  it('requires edge conditions to be boolean and to read only upstream nodes', () => {
    const withWhen = (when: string) => {
      const d = doc();
      (d.edges[2] as Record<string, unknown>)['when'] = when;
      return problems(d).filter((p) => p.path === '$.edges[2].when');
    };
    for (const ok of ['$.status = 200', '$exists($.body) and $.status < 400', 'true', '$.status > 299 ? false : true', '"a" in $.body.tags', '$not($nodes.t.output)']) {
      expect(withWhen(ok), ok).toEqual([]);
    }
    expect(withWhen('$.status')).toEqual([{ severity: 'error', code: 'non_boolean_condition', path: '$.edges[2].when', nodeId: undefined }]);
    expect(withWhen('$count($.body)')).toMatchObject([{ code: 'non_boolean_condition' }]);
    expect(withWhen('$nodes.out.output = 1')).toMatchObject([{ code: 'bad_reference' }]);
  });

  it('reports every problem in a stable order: ids, types and params, edges, reachability, then expressions in document order', () => {
    const d = {
      schemaVersion: 1,
      name: 'w',
      nodes: [
        { id: 'start', type: 'control.trigger' },
        { id: 'a', type: 'execution.http', params: { url: 'https://x/{{ $nodes.start.output }}' } },
        { id: 'b', type: 'analysis.transform', params: { expression: '$nodes.a.output.stauts' } },
        { id: 'c', type: 'analysis.transform', params: { expression: '$nodes.d.output' } },
        {
          id: 'd',
          type: 'control.output',
          params: { value: { list: ['{{ $nodes.a.output.meta.extra }} and {{ $nodes.ghost.output }}', 3], deep: { 'odd key': '{{ $nodes.d.output }}', ok: '{{ $nodes.start.output.x }}' } } },
        },
        { id: 'island', type: 'analysis.transform', params: { expression: '1' } },
        { id: 'e', type: 'analysis.nope' },
        { id: 'f', type: 'execution.http', params: { url: '', method: 'BREW' } },
        { id: 'g', type: 'analysis.transform', params: { expression: '$input.(' } },
        { id: 'island', type: 'control.output', params: { value: '{{ unclosed' } },
      ],
      edges: [
        { id: 'e1', source: 'start', target: 'a' },
        { id: 'e2', source: 'a', target: 'b', when: '$.status' },
        { id: 'e3', source: 'a', target: 'c', when: '= 3' },
        { id: 'e4', source: 'b', target: 'd', when: '$nodes.b.output = 1 and $nodes.c.output = 2' },
        { id: 'e5', source: 'c', target: 'd' },
        { id: 'e1', source: 'ghost', target: 'd' },
        { id: 'e7', source: 'd', target: 'f' },
        { id: 'e8', source: 'b', sourcePort: 'maybe', target: 'g', targetPort: 'side' },
        { id: 'e9', source: 'start', target: 'e' },
      ],
    };
    expect(validateWorkflow(d, catalog).problems).toEqual([
      { severity: 'error', code: 'duplicate_id', path: '$.nodes[9].id', message: 'node id "island" is used more than once', nodeId: 'island' },
      { severity: 'error', code: 'duplicate_id', path: '$.edges[5].id', message: 'edge id "e1" is used more than once' },
      { severity: 'error', code: 'unknown_type', path: '$.nodes[6].type', message: 'unknown node type "analysis.nope"', nodeId: 'e' },
      { severity: 'error', code: 'invalid_params', path: '$.nodes[7].params.url', message: 'Required', nodeId: 'f' },
      { severity: 'error', code: 'invalid_params', path: '$.nodes[7].params.method', message: 'One of: "GET", "POST"', nodeId: 'f' },
      { severity: 'error', code: 'non_boolean_condition', path: '$.edges[1].when', message: 'a condition must yield true or false: use a comparison, and/or, $exists, $not or $boolean' },
      { severity: 'error', code: 'expression_syntax', path: '$.edges[2].when', message: 'condition does not parse: The symbol "=" cannot be used as a unary operator' },
      { severity: 'error', code: 'missing_node', path: '$.edges[5].source', message: 'edge source "ghost" is not a node of this workflow' },
      { severity: 'error', code: 'unknown_port', path: '$.edges[6].sourcePort', message: 'node "d" has no output port "out" (ports: none)', nodeId: 'd' },
      { severity: 'error', code: 'unknown_port', path: '$.edges[7].sourcePort', message: 'node "b" has no output port "maybe" (ports: out)', nodeId: 'b' },
      { severity: 'error', code: 'unknown_port', path: '$.edges[7].targetPort', message: 'node "g" has no input port "side" (ports: in)', nodeId: 'g' },
      { severity: 'warning', code: 'unreachable', path: '$.nodes[5]', message: 'node "island" cannot be reached from a trigger and will never run', nodeId: 'island' },
      { severity: 'warning', code: 'unreachable', path: '$.nodes[7]', message: 'node "f" cannot be reached from a trigger and will never run', nodeId: 'f' },
      { severity: 'warning', code: 'unreachable', path: '$.nodes[8]', message: 'node "g" cannot be reached from a trigger and will never run', nodeId: 'g' },
      { severity: 'error', code: 'bad_reference', path: '$.edges[3].when', message: 'expression refers to node "c", which is not upstream of this node' },
      { severity: 'error', code: 'unknown_field', path: '$.nodes[2].params.expression', message: '$nodes.a.output.stauts: the output of "a" has no field "stauts" (fields: status, headers, body, meta)', nodeId: 'b' },
      { severity: 'error', code: 'bad_reference', path: '$.nodes[3].params.expression', message: 'expression refers to node "d", which is not upstream of this node', nodeId: 'c' },
      { severity: 'warning', code: 'unknown_field', path: '$.nodes[4].params.value.list[0]', message: '$nodes.a.output.meta.extra: the output of "a" has no field "extra" (fields: took)', nodeId: 'd' },
      { severity: 'error', code: 'bad_reference', path: '$.nodes[4].params.value.list[0]', message: 'expression refers to node "ghost", which is not a node of this workflow', nodeId: 'd' },
      { severity: 'error', code: 'bad_reference', path: '$.nodes[4].params.value.deep["odd key"]', message: 'expression refers to node "d", which is not upstream of this node', nodeId: 'd' },
      { severity: 'error', code: 'expression_syntax', path: '$.nodes[8].params.expression', message: 'expression "$input.(" does not parse: Expected ")" before end of expression', nodeId: 'g' },
      { severity: 'error', code: 'expression_syntax', path: '$.nodes[9].params.value', message: 'unclosed {{ in expression', nodeId: 'island' },
    ]);
    // With a cycle, references are not checked (upstream means nothing there); syntax still is.
    d.edges.push({ id: 'back', source: 'b', target: 'a' });
    expect(problems(d).map((p) => `${p.code} ${p.path}`).slice(11)).toEqual([
      'cycle $.nodes[1]',
      'unreachable $.nodes[5]',
      'unreachable $.nodes[7]',
      'unreachable $.nodes[8]',
      'expression_syntax $.nodes[8].params.expression',
      'expression_syntax $.nodes[9].params.value',
    ]);
  });

  it('checks references across a long chain against every node upstream, and only those', () => {
    // 100 nodes: ancestors past the first 32 (one word of a bit set) must still count.
    const nodes = [{ id: 'n0', type: 'control.trigger' }, ...Array.from({ length: 99 }, (_, i) => ({ id: `n${i + 1}`, type: 'analysis.transform', params: { expression: `$nodes.n${i}.output + $nodes.n0.output` } }))];
    const edges = Array.from({ length: 99 }, (_, i) => ({ id: `e${i + 1}`, source: `n${i}`, target: `n${i + 1}` }));
    expect(validateWorkflow({ schemaVersion: 1, name: 'w', nodes, edges }, catalog).problems).toEqual([]);
    nodes[40] = { id: 'n40', type: 'analysis.transform', params: { expression: '$nodes.n39.output + $nodes.n70.output' } };
    nodes[99] = { id: 'n99', type: 'analysis.transform', params: { expression: '$nodes.n1.output + $nodes.n99.output' } };
    expect(problems({ schemaVersion: 1, name: 'w', nodes, edges })).toEqual([
      { severity: 'error', code: 'bad_reference', path: '$.nodes[40].params.expression', nodeId: 'n40' },
      { severity: 'error', code: 'bad_reference', path: '$.nodes[99].params.expression', nodeId: 'n99' },
    ]);
  });

  it('answers odd input with shape problems at their paths, never with a validator failure', () => {
    const shape = (input: unknown) => {
      const result = validateWorkflow(input, catalog);
      expect(result.ok).toBe(false);
      expect(result.ok ? undefined : result.kind).toBe('shape');
      expect(result.problems.map((p) => p.code)).not.toContain('internal');
      return result.problems.map((p) => p.path);
    };
    expect(shape(0)).toEqual(['$']);
    expect(shape([])).toEqual(['$']);
    expect(shape(undefined).length).toBeGreaterThan(0);
    expect(shape(Object.create(null))).toEqual(expect.arrayContaining(['$.schemaVersion', '$.name', '$.nodes']));
    expect(shape({ nodes: 'x' })).toContain('$.nodes');
    expect(shape({ schemaVersion: 1, name: 'x', nodes: [{ id: 'a', type: 'control.trigger', params: [] }] })).toEqual(['$.nodes[0].params']);
    fc.assert(
      fc.property(fc.jsonValue(), (input) => {
        expect(validateWorkflow(input, catalog).problems.map((p) => p.code)).not.toContain('internal');
      }),
      { numRuns: 300 },
    );
  });

  it('turns a failure inside the validator into an internal problem instead of throwing', () => {
    const broken = {
      get: () => {
        throw new Error('catalog is down');
      },
    };
    const result = validateWorkflow(doc(), broken);
    expect(result).toEqual({ ok: false, kind: 'shape', problems: [{ severity: 'error', code: 'internal', path: '$', message: 'validator failed: catalog is down' }] });
  });
});

/** A random document that is mostly well-formed, so mutations reach the graph checks. */
const arbitraryDocument = fc.record({
  schemaVersion: fc.oneof(fc.constant(1), fc.integer({ min: -1, max: 3 }), fc.string()),
  name: fc.oneof(fc.string(), fc.constant('w')),
  nodes: fc.array(
    fc.record({
      id: fc.oneof(fc.constantFrom('start', 't', 'h', 'out', 'x'), fc.string({ maxLength: 5 })),
      type: fc.oneof(fc.constantFrom('control.trigger', 'analysis.transform', 'execution.http', 'control.output', 'a.b'), fc.string()),
      params: fc.oneof(
        fc.dictionary(fc.constantFrom('expression', 'url', 'method', 'value'), fc.oneof(fc.string(), fc.constantFrom('{{ $nodes.t.output.x }}', '{{ 1 + }}', '$input.(', '{{'), fc.anything())),
        fc.anything(),
      ),
      position: fc.oneof(fc.record({ x: fc.double(), y: fc.double() }), fc.anything()),
    }, { requiredKeys: ['id', 'type'] }),
    { maxLength: 8 },
  ),
  edges: fc.array(
    fc.record({
      id: fc.string({ maxLength: 4 }),
      source: fc.constantFrom('start', 't', 'h', 'out', 'x', ''),
      target: fc.constantFrom('start', 't', 'h', 'out', 'x', ''),
      sourcePort: fc.constantFrom('out', 'in', 'error', 'X'),
      when: fc.oneof(fc.constant('$.a = 1'), fc.string(), fc.constant('$nodes.h.output.nope > 1')),
    }, { requiredKeys: ['id', 'source', 'target'] }),
    { maxLength: 10 },
  ),
}, { requiredKeys: ['schemaVersion', 'name', 'nodes'] });

describe('tools wired to an agent', () => {
  const agentDoc = (over: { nodes?: unknown[]; edges?: unknown[] } = {}) => ({
    schemaVersion: 1,
    name: 'w',
    nodes: [
      { id: 'start', type: 'control.trigger' },
      { id: 'agent', type: 'strategy.agent', params: { task: '{{ $input.q }}' } },
      { id: 'lookup', type: 'execution.http', params: { url: 'https://example.org/{{ $tool.sku }}?q={{ $nodes.start.output.q }}' }, tool: { arguments: [{ name: 'sku' }] } },
      { id: 'out', type: 'control.output', params: { value: '{{ $nodes.agent.output.answer }}' } },
      ...(over.nodes ?? []),
    ],
    edges: [
      { id: 'e1', source: 'start', target: 'agent' },
      { id: 't1', source: 'lookup', target: 'agent', targetPort: 'tools' },
      { id: 'e2', source: 'agent', target: 'out' },
      ...(over.edges ?? []),
    ],
  });

  it('accepts a tool that reads its arguments as $tool and what is upstream of its agent', () => {
    expect(validateWorkflow(agentDoc(), catalog).problems).toEqual([]);
  });

  it('accepts an agent called as a tool with tools of its own, and nothing else wired to it', () => {
    const nested = agentDoc({
      nodes: [
        { id: 'specialist', type: 'strategy.agent', params: { task: '{{ $tool.question }}' }, tool: { arguments: [{ name: 'question' }] } },
        { id: 'invoice', type: 'execution.http', params: { url: 'https://example.org/{{ $tool.number }}' }, tool: { arguments: [{ name: 'number' }] } },
      ],
      edges: [
        { id: 't2', source: 'specialist', target: 'agent', targetPort: 'tools' },
        { id: 't3', source: 'invoice', target: 'specialist', targetPort: 'tools' },
      ],
    });
    expect(validateWorkflow(nested, catalog).problems).toEqual([]);
    nested.edges.push({ id: 'e3', source: 'start', target: 'specialist' });
    expect(validateWorkflow(nested, catalog).problems.map((p) => [p.code, p.path])).toEqual([['tool_connection', '$.edges[5]']]);
  });

  it('refuses $tool outside a tool, and arguments the tool does not declare', () => {
    const bad = agentDoc({ nodes: [{ id: 'stray', type: 'analysis.transform', params: { expression: '$tool.sku' } }], edges: [{ id: 'e3', source: 'agent', target: 'stray' }] });
    (bad.nodes[2] as { params: { url: string } }).params.url = 'https://example.org/{{ $tool.id }}';
    expect(validateWorkflow(bad, catalog).problems).toEqual([
      expect.objectContaining({ code: 'unknown_tool_argument', path: '$.nodes[2].params.url', message: expect.stringContaining('declares no argument "id" (arguments: sku)') }),
      expect.objectContaining({ code: 'tool_outside_tool', path: '$.nodes[4].params.expression' }),
    ]);
  });

  it('refuses a tool with other connections, a tool of two agents, and nodes that cannot be tools', () => {
    const bad = agentDoc({
      nodes: [
        { id: 'agent2', type: 'strategy.agent', params: { task: 'x' } },
        { id: 'nap', type: 'control.wait' },
      ],
      edges: [
        { id: 'e3', source: 'lookup', target: 'out' },
        { id: 't2', source: 'lookup', target: 'agent2', targetPort: 'tools' },
        { id: 'e4', source: 'start', target: 'agent2' },
        { id: 't3', source: 'nap', target: 'agent2', targetPort: 'tools' },
      ],
    });
    expect(validateWorkflow(bad, catalog).problems.filter((p) => p.code === 'tool_connection').map((p) => [p.path, p.message])).toEqual([
      ['$.edges[3]', 'node "lookup" is a tool of "agent": it runs only when the agent calls it, so it can have no other connections'],
      ['$.edges[4]', 'node "lookup" is already a tool of "agent": a node can be the tool of one agent only'],
      ['$.nodes[5]', '"nap" cannot be a tool: a wait works on the flow, not on a call'],
    ]);
  });

  it('checks the approval rule of a tool', () => {
    const bad = agentDoc();
    (bad.nodes[2] as { tool: Record<string, unknown> }).tool['approval'] = { require: 'when', when: 'amount >' };
    expect(validateWorkflow(bad, catalog).problems).toEqual([expect.objectContaining({ code: 'expression_syntax', path: '$.nodes[2].tool.approval.when' })]);
  });

  it('refuses reading a tool\'s output from the flow, and does not call tools unreachable', () => {
    const bad = agentDoc();
    (bad.nodes[3] as { params: { value: string } }).params.value = '{{ $nodes.lookup.output }}';
    expect(validateWorkflow(bad, catalog).problems).toEqual([expect.objectContaining({ code: 'bad_reference', message: expect.stringContaining('a tool of "agent": its results go to the agent only') })]);
    expect(validateWorkflow(agentDoc(), catalog).problems.filter((p) => p.code === 'unreachable')).toEqual([]);
  });
});

describe('validateWorkflow on generated input', () => {
  it('never throws and always gives the same answer for the same input', () => {
    fc.assert(
      fc.property(fc.oneof(arbitraryDocument, fc.anything(), fc.json()), (input) => {
        const a = validateWorkflow(input, catalog);
        const b = validateWorkflow(input, catalog);
        expect(JSON.stringify(a)).toBe(JSON.stringify(b));
        expect(Array.isArray(a.problems)).toBe(true);
        for (const p of a.problems) expect(p.path.startsWith('$')).toBe(true);
        // A crash inside the validator is caught and reported as `internal`: none may happen.
        expect(a.problems.filter((p) => p.code === 'internal')).toEqual([]);
        // Every rejected document says why.
        if (!a.ok) expect(a.problems.some((p) => p.severity === 'error')).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
