import { describe, expect, it } from 'vitest';
import { nextEveryTimes, parseEvery, previewSchedule } from './cron';

const iso = (ds: readonly Date[]) => ds.map((d) => d.toISOString());

describe('intervals', () => {
  it('parses units and refuses the rest', () => {
    expect(parseEvery('1s')).toBe(1000);
    expect(parseEvery('15m')).toBe(900_000);
    expect(parseEvery('2h')).toBe(7_200_000);
    expect(parseEvery('0s')).toBeUndefined();
    expect(parseEvery('5 minutes')).toBeUndefined();
  });

  it('aligns firings to the epoch', () => {
    expect(iso(nextEveryTimes(900_000, new Date('2026-01-01T10:07:00Z'), 2))).toEqual(['2026-01-01T10:15:00.000Z', '2026-01-01T10:30:00.000Z']);
  });
});

describe('previewSchedule', () => {
  it('merges cron and interval firings in order', () => {
    const p = previewSchedule({ cron: ['0 * * * *'], every: ['20m'], timezone: 'UTC' }, new Date('2026-01-01T10:05:00Z'), 4);
    expect(p.ok && iso(p.times)).toEqual(['2026-01-01T10:20:00.000Z', '2026-01-01T10:40:00.000Z', '2026-01-01T11:00:00.000Z', '2026-01-01T11:20:00.000Z']);
  });

  it('names the field at fault', () => {
    expect(previewSchedule({ cron: [], every: ['soon'], timezone: 'UTC' }, new Date())).toMatchObject({ ok: false, field: 'every' });
    expect(previewSchedule({ cron: ['* * * * *'], every: [], timezone: 'Mars/Olympus' }, new Date())).toMatchObject({ ok: false, field: 'timezone' });
    expect(previewSchedule({ cron: [], every: [], timezone: 'UTC' }, new Date())).toMatchObject({ ok: false, field: 'cron' });
    // Six fields mean seconds first to croner and a year last to Temporal: the form refuses them as the server does.
    expect(previewSchedule({ cron: ['0 0 9 * * *'], every: [], timezone: 'UTC' }, new Date())).toMatchObject({ ok: false, field: 'cron', error: expect.stringContaining('expected 5 fields') });
  });
});
