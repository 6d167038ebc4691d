import { describe, expect, it } from 'vitest';
import { findCycle, reachableFrom, topologicalOrder, upstreamOf } from './graph.js';

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
});
