import { describe, expect, it } from 'vitest';
import type { EditableWorkflow } from '../store/document-store';
import { catalogAdapter, specOf } from './catalog';
import { checkDocument, problemNodeId, splitNodePath } from './problems';
import { testCatalog } from './test-catalog';

function doc(nodes: EditableWorkflow['nodes'], edges: EditableWorkflow['edges'] = []): EditableWorkflow {
  return { schemaVersion: 1, name: 'Test', nodes, edges };
}
const at = (x = 0) => ({ x, y: 0 });

describe('catalog adapter', () => {
  it('validates params with a zod schema converted from the JSON Schema', () => {
    const spec = catalogAdapter(testCatalog()).get('analysis.transform')!;
    expect(spec.params.safeParse({ expression: '$' }).success).toBe(true);
    const bad = spec.params.safeParse({ expression: '', timeoutMs: 0, extra: 1 });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((i) => i.path.join('.')).sort()).toEqual(['', 'expression', 'timeoutMs'].sort());
  });

  it('converts each type once and answers undefined for unknown types', () => {
    const catalog = testCatalog();
    const view = catalog.get('execution.http')!;
    expect(specOf(view)).toBe(specOf(view));
    expect(catalogAdapter(catalog)).toBe(catalogAdapter(catalog));
    expect(catalogAdapter(catalog).get('nope.nope')).toBeUndefined();
  });

  it('takes the bare JSONata params the server lists', () => {
    const catalog = testCatalog();
    expect(specOf(catalog.get('analysis.transform')!).expressionParams).toEqual(['expression']);
    expect(specOf(catalog.get('control.branch')!).expressionParams).toEqual(['condition']);
    expect(specOf(catalog.get('execution.http')!).expressionParams).toBeUndefined();
  });
});

describe('checkDocument', () => {
  const nodes = [
    { id: 'start', type: 'control.trigger', params: {}, position: at() },
    { id: 'shape', type: 'analysis.transform', params: { expression: '$input', timeoutMs: 0 }, position: at(1) },
    { id: 'call', type: 'execution.http', params: { url: 'https://x.test/{{ $nodes.shape.output }}' }, position: at(2) },
  ];
  const edges = [
    { id: 'e1', source: 'start', sourcePort: 'out', target: 'shape', targetPort: 'in' },
    { id: 'e2', source: 'shape', sourcePort: 'out', target: 'call', targetPort: 'in' },
  ];

  it('reports an invalid param against its node and path', () => {
    const report = checkDocument(doc(nodes, edges), testCatalog());
    expect(report.errors).toBe(1);
    expect(report.problems[0]).toMatchObject({ code: 'invalid_params', path: '$.nodes[1].params.timeoutMs', nodeId: 'shape' });
    expect(report.byNode.get('shape')).toHaveLength(1);
    expect(report.byNode.has('call')).toBe(false);
  });

  it('finds unknown output fields through the converted output schema', () => {
    const n = [...nodes.slice(0, 2), { ...nodes[2]!, params: { url: 'https://x.test' } }, { id: 'use', type: 'control.branch', params: { condition: '$nodes.call.output.body.missing = 1' }, position: at(3) }];
    const e = [...edges, { id: 'e3', source: 'call', sourcePort: 'out', target: 'use', targetPort: 'in' }];
    const report = checkDocument(doc(n, e), testCatalog());
    expect(report.problems.find((p) => p.code === 'unknown_field')).toMatchObject({ severity: 'error', nodeId: 'use', path: '$.nodes[3].params.condition' });
  });

  it('checks bare expression params for syntax', () => {
    const n = [nodes[0]!, { ...nodes[1]!, params: { expression: '$input.(' } }];
    const report = checkDocument(doc(n, edges.slice(0, 1)), testCatalog());
    expect(report.problems.map((p) => p.code)).toContain('expression_syntax');
  });

  it('attributes a problem without nodeId to the node its path points into', () => {
    const d = doc(nodes);
    expect(problemNodeId({ severity: 'error', code: 'x', path: '$.nodes[2].params', message: '' }, d)).toBe('call');
    expect(problemNodeId({ severity: 'error', code: 'x', path: '$.edges[0]', message: '' }, d)).toBeUndefined();
  });
});

describe('splitNodePath', () => {
  it('maps a document path to the node index and a path under the node', () => {
    expect(splitNodePath('$.nodes[12].params.auth.secret')).toEqual({ index: 12, path: '$.params.auth.secret' });
    expect(splitNodePath('$.nodes[0]')).toEqual({ index: 0 });
    expect(splitNodePath('$.edges[0].source')).toBeUndefined();
  });
});
