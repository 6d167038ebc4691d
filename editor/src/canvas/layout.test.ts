import { describe, expect, it } from 'vitest';
import { LAYOUT_GAP, layeredPositions, needsLayout } from './layout';

const at = (id: string, x = 0, y = 0) => ({ id, position: { x, y } });

describe('needsLayout', () => {
  it('lays out two or more nodes that all sit at one point', () => {
    expect(needsLayout([at('a'), at('b')])).toBe(true);
  });

  it('keeps positions someone chose, and a lone node', () => {
    expect(needsLayout([at('a'), at('b', 200)])).toBe(false);
    expect(needsLayout([at('a')])).toBe(false);
  });
});

describe('layeredPositions', () => {
  it('puts each node one column after its furthest source', () => {
    // a → b → c and a → c: c goes after b, not beside it.
    const edges = [
      { source: 'a', target: 'b' },
      { source: 'b', target: 'c' },
      { source: 'a', target: 'c' },
    ];
    const positions = layeredPositions([at('a'), at('b'), at('c')], edges);
    expect([...positions.values()].map((p) => p.x)).toEqual([0, LAYOUT_GAP.x, 2 * LAYOUT_GAP.x]);
  });

  it('stacks nodes of one column in document order', () => {
    const edges = [
      { source: 'a', target: 'b' },
      { source: 'a', target: 'c' },
    ];
    const positions = layeredPositions([at('a'), at('b'), at('c')], edges);
    expect(positions.get('b')).toEqual({ x: LAYOUT_GAP.x, y: 0 });
    expect(positions.get('c')).toEqual({ x: LAYOUT_GAP.x, y: LAYOUT_GAP.y });
  });

  it('still places every node of a graph with a cycle', () => {
    const edges = [
      { source: 'a', target: 'b' },
      { source: 'b', target: 'a' },
    ];
    expect(layeredPositions([at('a'), at('b')], edges).size).toBe(2);
  });
});
