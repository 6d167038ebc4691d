import type { RunSummary } from '@weft/schemas';
import { describe, expect, it } from 'vitest';
import { filterRuns } from './run-filters';

const now = Date.parse('2026-01-02T00:00:00Z');
const run = (id: string, status: RunSummary['status'], hoursAgo: number): RunSummary => ({
  id, workflowId: 'wf_a', version: 1, status, createdAt: new Date(now - hoursAgo * 3_600_000).toISOString(), finishedAt: null,
});

describe('filterRuns', () => {
  const runs = [run('r1', 'completed', 0.5), run('r2', 'failed', 2), run('r3', 'completed', 30)];

  it('keeps runs of the chosen status inside the time range', () => {
    expect(filterRuns(runs, { status: 'completed', range: 'day' }, now).shown.map((r) => r.id)).toEqual(['r1']);
    expect(filterRuns(runs, { status: '', range: 'all' }, now).shown).toHaveLength(3);
  });

  it('says older pages cannot match once the oldest loaded run is out of range', () => {
    expect(filterRuns(runs, { status: '', range: 'day' }, now).exhausted).toBe(true);
    expect(filterRuns(runs, { status: '', range: 'week' }, now).exhausted).toBe(false);
  });
});
