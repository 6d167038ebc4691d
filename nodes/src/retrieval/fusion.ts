/** An item of a fused list: its fused score and its 1-based rank in each input list (absent if not there). */
export interface Fused<T> {
  readonly item: T;
  readonly score: number;
  readonly ranks: readonly (number | undefined)[];
}

/**
 * Reciprocal rank fusion: each list adds `1 / (k + rank)` to an item's score (rank from 1), so
 * items high in several lists win without comparing the lists' own scores, which live on
 * different scales (cosine similarity vs. text rank). `k = 60` as in Cormack et al. (2009).
 * Ties go to the item with the better best rank, then the earlier list, so the order is stable.
 */
export function reciprocalRankFusion<T>(lists: readonly (readonly T[])[], key: (item: T) => string, k = 60): Fused<T>[] {
  const entries = new Map<string, { item: T; score: number; ranks: (number | undefined)[] }>();
  lists.forEach((list, l) => {
    const seen = new Set<string>();
    list.forEach((item, i) => {
      const id = key(item);
      // A list naming an item twice counts it once, at its better rank.
      if (seen.has(id)) return;
      seen.add(id);
      let e = entries.get(id);
      if (!e) entries.set(id, (e = { item, score: 0, ranks: new Array<number | undefined>(lists.length).fill(undefined) }));
      e.score += 1 / (k + i + 1);
      e.ranks[l] = i + 1;
    });
  });
  const best = (e: { ranks: (number | undefined)[] }) => Math.min(...e.ranks.map((r) => r ?? Infinity));
  const firstList = (e: { ranks: (number | undefined)[] }) => e.ranks.findIndex((r) => r !== undefined);
  return [...entries.values()].sort((a, b) => b.score - a.score || best(a) - best(b) || firstList(a) - firstList(b));
}

/** The highest score RRF can give with `lists` lists: rank 1 in all of them. */
export function maxFusedScore(lists: number, k = 60): number {
  return lists / (k + 1);
}
