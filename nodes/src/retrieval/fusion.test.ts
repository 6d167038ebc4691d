import { describe, expect, it } from 'vitest';
import { maxFusedScore, reciprocalRankFusion } from './fusion.js';

const id = (s: string) => s;

describe('reciprocal rank fusion', () => {
  it('scores each item 1/(60 + rank) per list and sums over lists', () => {
    const fused = reciprocalRankFusion([['a', 'b', 'c'], ['c', 'a']], id);
    expect(fused.map((f) => f.item)).toEqual(['a', 'c', 'b']);
    expect(fused[0]!.score).toBeCloseTo(1 / 61 + 1 / 62, 12);
    expect(fused[1]!.score).toBeCloseTo(1 / 63 + 1 / 61, 12);
    expect(fused[2]!.score).toBeCloseTo(1 / 62, 12);
    expect(fused.map((f) => f.ranks)).toEqual([[1, 2], [3, 1], [2, undefined]]);
  });

  it('ranks an item found by both lists above one that tops only one', () => {
    const fused = reciprocalRankFusion([['v1', 'both'], ['t1', 'both']], id);
    expect(fused[0]!.item).toBe('both');
  });

  it('breaks ties by best rank, then by the earlier list, and counts a repeated item once', () => {
    const fused = reciprocalRankFusion([['x', 'y', 'x'], ['y2', 'x2']], id);
    expect(fused.map((f) => f.item)).toEqual(['x', 'y2', 'y', 'x2']);
    expect(fused[0]!.score).toBeCloseTo(1 / 61, 12);
  });

  it('honours another k, and the best possible score is rank 1 everywhere', () => {
    expect(reciprocalRankFusion([['a']], id, 0)[0]!.score).toBe(1);
    expect(maxFusedScore(2)).toBeCloseTo(2 / 61, 12);
    expect(reciprocalRankFusion([['a'], ['a']], id)[0]!.score).toBeCloseTo(maxFusedScore(2), 12);
  });
});
