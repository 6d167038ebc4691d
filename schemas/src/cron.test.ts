import { describe, expect, it } from 'vitest';
import { CronExpression, cronProblem, nextCronTimes } from './cron.js';
import { Trigger } from './workflow.js';

const iso = (ds: readonly Date[]) => ds.map((d) => d.toISOString());
const next = (expression: string, from: string, count = 3, timeZone = 'UTC') => iso(nextCronTimes(expression, timeZone, new Date(from), count));

describe('cronProblem', () => {
  it('accepts 5 fields with lists, ranges, steps and names, and the macros Temporal knows', () => {
    for (const ok of ['* * * * *', '*/15 9-17 1,15 jan-mar mon-fri', '0 0 * * 7', '0 9 1-31/2 * *', '@hourly', '@daily', '@midnight', '@weekly', '@monthly', '@yearly', '@annually']) {
      expect(cronProblem(ok), ok).toBeUndefined();
    }
  });

  it('refuses 6 and 7 fields, which Temporal and croner read differently', () => {
    expect(cronProblem('0 0 9 * * *')).toMatch(/expected 5 fields/);
    expect(cronProblem('0 0 9 * * * 2027')).toMatch(/expected 5 fields/);
    expect(cronProblem('* * *')).toMatch(/expected 5 fields/);
  });

  it('refuses what croner accepts but Temporal does not: L, W, #, ? and unknown macros', () => {
    expect(cronProblem('0 0 L * *')).toMatch(/day of month/);
    expect(cronProblem('0 0 1W * *')).toMatch(/day of month/);
    expect(cronProblem('0 0 * * 1#2')).toMatch(/day of week/);
    expect(cronProblem('0 0 ? * *')).toMatch(/day of month/);
    expect(cronProblem('@every 5m')).toMatch(/unknown macro/);
    expect(cronProblem('@often')).toMatch(/unknown macro/);
  });

  it('refuses values out of range and backward ranges', () => {
    expect(cronProblem('60 * * * *')).toMatch(/minute/);
    expect(cronProblem('* 5-2 * * *')).toBeDefined();
    expect(cronProblem('')).toBeDefined();
  });

  it('is what the schema checks, with the problem as the message', () => {
    expect(CronExpression.safeParse(' 0 9 * * mon-fri ')).toEqual({ success: true, data: '0 9 * * mon-fri' });
    const bad = CronExpression.safeParse('0 0 9 * * *');
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.message).toMatch(/expected 5 fields/);
  });

  it('is what a workflow’s schedule trigger takes', () => {
    expect(Trigger.safeParse({ type: 'schedule', cron: '0 9 * * mon-fri' }).success).toBe(true);
    expect(Trigger.safeParse({ type: 'schedule', cron: '0 0 9 * * *' }).error?.issues.map((i) => i.path)).toEqual([['cron']]);
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

  it('ANDs day of month and day of week when both are restricted, as Temporal does', () => {
    // Friday the 13th: February and March 2026.
    expect(next('0 0 13 * fri', '2026-01-01T00:00:00Z', 2)).toEqual(['2026-02-13T00:00:00.000Z', '2026-03-13T00:00:00.000Z']);
  });

  it('counts wall-clock time in the schedule’s time zone', () => {
    // Paris is UTC+1 in January.
    expect(next('0 9 * * *', '2026-01-01T00:00:00Z', 1, 'Europe/Paris')).toEqual(['2026-01-01T08:00:00.000Z']);
  });

  it('handles the yearly macro and leap days, and gives nothing for a date that never comes', () => {
    expect(next('@yearly', '2026-06-01T00:00:00Z', 1)).toEqual(['2027-01-01T00:00:00.000Z']);
    expect(next('0 12 29 2 *', '2026-01-01T00:00:00Z', 1)).toEqual(['2028-02-29T12:00:00.000Z']);
    expect(next('0 0 30 2 *', '2026-01-01T00:00:00Z', 1)).toEqual([]);
  });

  it('throws on an expression it refuses', () => {
    expect(() => next('0 0 L * *', '2026-01-01T00:00:00Z')).toThrow(/day of month/);
  });
});
