import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { findCycle, inputOfTaken, isUpstream, reachableFrom, topologicalOrder, upstreamOf } from './graph.js';

const nodes = ['a', 'b', 'c', 'd'].map((id) => ({ id }));
const edges = [
  { source: 'a', target: 'b' },
  { source: 'a', target: 'c' },
  { source: 'b', target: 'd' },
  { source: 'c', target: 'd' },
];

describe('graph helpers', () => {
  it('orders a diamond so every node follows its sources', () => {
    expect(topologicalOrder(nodes, edges)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('finds no cycle in a DAG and names the nodes of one', () => {
    expect(findCycle(nodes, edges)).toBeUndefined();
    expect(findCycle(nodes, [...edges, { source: 'd', target: 'a' }])).toEqual(['a', 'b', 'd']);
    expect(() => topologicalOrder(nodes, [...edges, { source: 'd', target: 'a' }])).toThrow(/cycle/);
  });

  it('handles a 20,000-node chain without overflowing the stack', () => {
    const many = Array.from({ length: 20_000 }, (_, i) => ({ id: `n${i}` }));
    const chain = many.slice(1).map((n, i) => ({ source: `n${i}`, target: n.id }));
    expect(findCycle(many, chain)).toBeUndefined();
    expect(topologicalOrder(many, chain).at(-1)).toBe('n19999');
  });

  it('computes ancestors and reachable nodes', () => {
    expect([...upstreamOf('d', edges)].sort()).toEqual(['a', 'b', 'c']);
    expect([...reachableFrom(['b'], edges)].sort()).toEqual(['b', 'd']);
  });

  it('tells whether one node is upstream of another', () => {
    const upstream = isUpstream(nodes, edges);
    expect(upstream('a', 'd')).toBe(true);
    expect(upstream('b', 'd')).toBe(true);
    expect(upstream('d', 'a')).toBe(false);
    expect(upstream('b', 'c')).toBe(false);
    expect(upstream('a', 'a')).toBe(false);
    expect(upstream('ghost', 'd')).toBe(false);
    expect(() => isUpstream(nodes, [...edges, { source: 'd', target: 'a' }])).toThrow(/cycle/);
  });

  it('agrees with the ancestor sets on generated graphs', () => {
    // Edges only from lower to higher numbers, so every generated graph is acyclic; up to 80
    // nodes so that bit sets span several words.
    const graphs = fc.integer({ min: 1, max: 80 }).chain((n) =>
      fc.record({
        n: fc.constant(n),
        edges: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: 3 * n }).map((pairs) => pairs.filter(([a, b]) => a !== b).map(([a, b]) => ({ source: `n${Math.min(a, b)}`, target: `n${Math.max(a, b)}` }))),
        order: fc.shuffledSubarray(Array.from({ length: n }, (_, i) => `n${i}`), { minLength: n }),
      }),
    );
    fc.assert(
      fc.property(graphs, ({ edges, order }) => {
        const many = order.map((id) => ({ id }));
        const upstream = isUpstream(many, edges);
        const sets = order.map((b) => upstreamOf(b, edges));
        expect(order.map((b) => order.filter((a) => upstream(a, b)).sort())).toEqual(sets.map((s) => [...s].sort()));
      }),
      { numRuns: 200 },
    );
  });
});

describe('inputOfTaken', () => {
  const outputs: Record<string, unknown> = { a: 1, b: 2 };
  it('builds a node input as the engine does', () => {
    expect(inputOfTaken([], (id) => outputs[id], { run: true })).toEqual({ run: true });
    expect(inputOfTaken(['a'], (id) => outputs[id], {})).toBe(1);
    expect(inputOfTaken(['a', 'b'], (id) => outputs[id], {})).toEqual({ a: 1, b: 2 });
    expect(inputOfTaken(['b', 'a'], (id) => outputs[id], {}, true)).toBe(2);
  });
});
