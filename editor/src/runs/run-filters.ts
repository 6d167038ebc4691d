import type { RunStatus, RunSummary } from '@weft/schemas';

/** Time ranges the history offers, in milliseconds back from now (`all`: no limit). */
export const TIME_RANGES = { hour: 3_600_000, day: 86_400_000, week: 604_800_000, all: null } as const;
export type TimeRange = keyof typeof TIME_RANGES;

/**
 * The runs to list under filters the API does not apply itself (status and time range).
 * Runs come newest first, so `exhausted` tells when older pages cannot match the range.
 */
export function filterRuns(runs: readonly RunSummary[], filter: { status: RunStatus | ''; range: TimeRange }, now: number): { shown: RunSummary[]; exhausted: boolean } {
  const span = TIME_RANGES[filter.range];
  const since = span === null ? -Infinity : now - span;
  const shown = runs.filter((r) => (filter.status === '' || r.status === filter.status) && Date.parse(r.createdAt) >= since);
  const last = runs[runs.length - 1];
  return { shown, exhausted: last !== undefined && Date.parse(last.createdAt) < since };
}
