import type { NodeRunView } from '@weft/schemas';
import { describe, expect, it } from 'vitest';
import { compensationOrder, MIN_BAR_PERCENT, timelineBars } from './timeline';

const t = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
const run = { createdAt: t(0), startedAt: t(0), finishedAt: t(10) };

describe('timelineBars', () => {
  it('places each started node by its start and duration on the run span', () => {
    const { bars, spanMs } = timelineBars(run, [
      { id: 'a', startedAt: t(0), finishedAt: t(5) },
      { id: 'b', startedAt: t(5), finishedAt: t(10) },
      { id: 'never', startedAt: null, finishedAt: null },
    ], Date.parse(t(20)));
    expect(spanMs).toBe(10_000);
    expect(bars).toEqual([
      { id: 'a', left: 0, width: 50, durationMs: 5000, open: false },
      { id: 'b', left: 50, width: 50, durationMs: 5000, open: false },
    ]);
  });

  it('runs an unfinished node to now and keeps instant nodes visible inside the axis', () => {
    const { bars } = timelineBars({ ...run, finishedAt: null }, [
      { id: 'live', startedAt: t(2), finishedAt: null },
      { id: 'instant', startedAt: t(4), finishedAt: t(4) },
    ], Date.parse(t(4)));
    expect(bars[0]).toMatchObject({ id: 'live', left: 50, width: 50, open: true, durationMs: null });
    expect(bars[1]).toMatchObject({ id: 'instant', width: MIN_BAR_PERCENT, left: 100 - MIN_BAR_PERCENT });
  });
});

describe('compensationOrder', () => {
  const node = (id: string, undoneAt: number): NodeRunView => ({
    id, type: 'execution.http', status: 'compensated', attempts: 1, output: null, error: null, startedAt: t(0), finishedAt: t(1),
    compensation: { status: 'succeeded', attempts: 1, output: null, error: null, finishedAt: t(undoneAt) },
  });

  it('lists undone nodes in the order the rollback recorded', () => {
    const nodes = [node('first', 8), node('second', 7), { ...node('plain', 0), compensation: undefined } as NodeRunView];
    expect(compensationOrder({ error: { type: 'X', message: 'm', compensated: ['second', 'first'] } as never, nodes }).map((n) => n.id)).toEqual(['second', 'first']);
  });

  it('falls back to when each undo finished', () => {
    expect(compensationOrder({ error: null, nodes: [node('a', 9), node('b', 3)] }).map((n) => n.id)).toEqual(['b', 'a']);
  });
});
