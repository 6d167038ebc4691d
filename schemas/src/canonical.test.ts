import { describe, expect, it } from 'vitest';
import { behaviouralContent, canonicalJson } from './canonical.js';
import { Workflow } from './workflow.js';

const base = Workflow.parse({
  schemaVersion: 1,
  name: 'w',
  nodes: [
    { id: 'start', type: 'control.trigger', position: { x: 0, y: 0 } },
    { id: 't', type: 'analysis.transform', params: { expression: '1', timeoutMs: 10 }, position: { x: 100, y: 0 } },
  ],
  edges: [{ id: 'e', source: 'start', target: 't' }],
});

describe('canonical content', () => {
  it('serialises equal values the same whatever the key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { f: 2, e: 3 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"e":3,"f":2}]},"b":1}');
  });

  it('does not change when a node moves or is relabelled, and changes when a param does', () => {
    const key = (w: Workflow) => canonicalJson(behaviouralContent(w));
    const moved = { ...base, nodes: base.nodes.map((n) => ({ ...n, position: { x: n.position.x + 50, y: 9 }, label: 'new' })) };
    const changed = { ...base, nodes: base.nodes.map((n) => (n.id === 't' ? { ...n, params: { ...n.params, expression: '2' } } : n)) };
    expect(key(moved)).toBe(key(base));
    expect(key(changed)).not.toBe(key(base));
  });

  it('does not change when nodes are grouped, renamed as a group or collapsed', () => {
    const key = (w: Workflow) => canonicalJson(behaviouralContent(w));
    const grouped: Workflow = { ...base, groups: [{ id: 'g1', label: 'Setup', nodes: ['start', 't'], collapsed: true }] };
    expect(key(grouped)).toBe(key(base));
  });
});
