import { describe, expect, it } from 'vitest';
import { nextCronTimes, nextEveryTimes, parseCron, parseEvery, previewSchedule } from './cron';

const iso = (ds: readonly Date[]) => ds.map((d) => d.toISOString());
function next(expression: string, from: string, count = 3, timeZone = 'UTC') {
  const parsed = parseCron(expression);
  if (!parsed.ok) throw new Error(parsed.error);
  return iso(nextCronTimes(parsed.spec, timeZone, new Date(from), count));
}

describe('parseCron', () => {
  it('reads lists, ranges, steps and names', () => {
    const parsed = parseCron('*/15 9-17 1,15 jan-mar mon-fri');
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect([...parsed.spec.minutes]).toEqual([0, 15, 30, 45]);
    expect([...parsed.spec.hours]).toEqual([9, 10, 11, 12, 13, 14, 15, 16, 17]);
    expect([...parsed.spec.months]).toEqual([1, 2, 3]);
    expect([...parsed.spec.weekdays]).toEqual([1, 2, 3, 4, 5]);
  });

  it('says which field is wrong', () => {
    expect(parseCron('60 * * * *')).toEqual({ ok: false, error: 'the minute field has an invalid value "60"' });
    expect(parseCron('* * *')).toMatchObject({ ok: false, error: expect.stringContaining('expected 5 fields') });
    expect(parseCron('* 5-2 * * *')).toMatchObject({ ok: false, error: expect.stringContaining('hour') });
    expect(parseCron('@often')).toMatchObject({ ok: false });
  });

  it('reads 7 as Sunday', () => {
    const parsed = parseCron('0 0 * * 7');
    expect(parsed.ok && [...parsed.spec.weekdays]).toEqual([0]);
  });
});

describe('nextCronTimes', () => {
  it('fires every minute after the start, never at it', () => {
    expect(next('* * * * *', '2026-01-01T10:00:00Z')).toEqual(['2026-01-01T10:01:00.000Z', '2026-01-01T10:02:00.000Z', '2026-01-01T10:03:00.000Z']);
  });

  it('finds weekday mornings across a weekend', () => {
    // 2026-01-02 is a Friday.
    expect(next('30 9 * * mon-fri', '2026-01-02T10:00:00Z', 2)).toEqual(['2026-01-05T09:30:00.000Z', '2026-01-06T09:30:00.000Z']);
  });

  it('ORs day of month and day of week when both are restricted', () => {
    // The 13th, or any Friday (Jan 2, 9, 13, 16 of 2026).
    expect(next('0 0 13 * fri', '2026-01-01T00:00:00Z', 4)).toEqual([
      '2026-01-02T00:00:00.000Z',
      '2026-01-09T00:00:00.000Z',
      '2026-01-13T00:00:00.000Z',
      '2026-01-16T00:00:00.000Z',
    ]);
  });

  it('counts wall-clock time in the schedule’s time zone', () => {
    // Paris is UTC+1 in January.
    expect(next('0 9 * * *', '2026-01-01T00:00:00Z', 1, 'Europe/Paris')).toEqual(['2026-01-01T08:00:00.000Z']);
  });

  it('skips a wall-clock time that daylight saving jumps over', () => {
    // 2026-03-29 in Paris: 02:00 becomes 03:00, so 02:30 does not happen that day.
    expect(next('30 2 * * *', '2026-03-28T12:00:00Z', 2, 'Europe/Paris')).toEqual(['2026-03-30T00:30:00.000Z', '2026-03-31T00:30:00.000Z']);
  });

  it('handles the yearly macro and leap days', () => {
    expect(next('@yearly', '2026-06-01T00:00:00Z', 1)).toEqual(['2027-01-01T00:00:00.000Z']);
    expect(next('0 12 29 2 *', '2026-01-01T00:00:00Z', 1)).toEqual(['2028-02-29T12:00:00.000Z']);
  });

  it('gives up on a date that never comes', () => {
    expect(next('0 0 30 2 *', '2026-01-01T00:00:00Z', 1)).toEqual([]);
  });
});

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
  });
});
