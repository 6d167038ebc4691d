import type { NodeRunView, RunView } from '@weft/schemas';

/** One bar of the run timeline, in percent of the run's span. */
export interface TimelineBar {
  readonly id: string;
  /** Percent from the left edge. */
  readonly left: number;
  /** Percent of the width; never less than {@link MIN_BAR_PERCENT} so a short node stays visible. */
  readonly width: number;
  readonly durationMs: number | null;
  /** Still running when the timeline was drawn: the bar ends at `now`. */
  readonly open: boolean;
}

/** The narrowest a bar is drawn. */
export const MIN_BAR_PERCENT = 0.5;

const ms = (iso: string | null | undefined): number | null => {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : t;
};

/**
 * Places each node that started on a common time axis running from the run's start (or its
 * first node's) to its finish (or `now` while it runs). Nodes that never started get no bar.
 */
export function timelineBars(run: Pick<RunView, 'startedAt' | 'createdAt' | 'finishedAt'>, nodes: readonly Pick<NodeRunView, 'id' | 'startedAt' | 'finishedAt'>[], now: number): { bars: TimelineBar[]; spanMs: number } {
  const starts = nodes.map((n) => ms(n.startedAt)).filter((t): t is number => t !== null);
  const begin = Math.min(ms(run.startedAt) ?? ms(run.createdAt) ?? now, ...starts);
  const ends = nodes.map((n) => ms(n.finishedAt) ?? (ms(n.startedAt) === null ? null : now)).filter((t): t is number => t !== null);
  const end = Math.max(ms(run.finishedAt) ?? now, ...ends, begin + 1);
  const span = end - begin;
  const bars: TimelineBar[] = [];
  for (const n of nodes) {
    const start = ms(n.startedAt);
    if (start === null) continue;
    const finish = ms(n.finishedAt);
    const stop = finish ?? now;
    const left = ((start - begin) / span) * 100;
    const width = Math.max(MIN_BAR_PERCENT, ((stop - start) / span) * 100);
    // A minimum-width bar at the far right would overflow; pull it back inside.
    bars.push({ id: n.id, left: Math.min(left, 100 - width), width, durationMs: finish === null ? null : finish - start, open: finish === null });
  }
  return { bars, spanMs: span };
}

/**
 * Nodes that were undone, in the order the rollback undid them (the newest completed first):
 * the order the run's error records, else by when each undo finished.
 */
export function compensationOrder(run: Pick<RunView, 'error' | 'nodes'>): NodeRunView[] {
  const undone = run.nodes.filter((n) => n.compensation);
  const recorded = (run.error as { compensated?: unknown } | null)?.compensated;
  const order = Array.isArray(recorded) ? recorded.filter((x): x is string => typeof x === 'string') : [];
  const rank = (n: NodeRunView) => {
    const i = order.indexOf(n.id);
    return i === -1 ? order.length : i;
  };
  const finished = (n: NodeRunView) => ms(n.compensation?.finishedAt) ?? Number.POSITIVE_INFINITY;
  return [...undone].sort((a, b) => rank(a) - rank(b) || finished(a) - finished(b));
}
