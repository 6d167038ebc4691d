// What the schedule form previews: the next firings of cron expressions (checked and stepped by
// the schemas' cron module, the same rules the server applies) and of `every` intervals.
import { cronProblem, nextCronTimes } from '@weft/schemas/cron';

/** Whether `timeZone` is an IANA zone this browser knows. */
export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return timeZone.trim() !== '';
  } catch {
    return false;
  }
}

const UNIT_MS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** An interval such as `30s`, `15m`, `2h` or `1d` in milliseconds; undefined when it is not one. */
export function parseEvery(text: string): number | undefined {
  const match = /^([1-9][0-9]{0,6})(s|m|h|d)$/.exec(text.trim());
  return match ? Number(match[1]) * UNIT_MS[match[2]!]! : undefined;
}

/** The next `count` firings of an interval after `from`: Temporal aligns intervals to the Unix epoch. */
export function nextEveryTimes(everyMs: number, from: Date, count: number): Date[] {
  const first = Math.floor(from.getTime() / everyMs) * everyMs + everyMs;
  return Array.from({ length: count }, (_, i) => new Date(first + i * everyMs));
}

/** What the schedule form previews: the next times, or the problem with the expression. */
export type Preview = { readonly ok: true; readonly times: readonly Date[] } | { readonly ok: false; readonly error: string; readonly field: 'cron' | 'every' | 'timezone' };

/** The next `count` firings of a schedule of cron expressions and intervals, merged and in order. */
export function previewSchedule(input: { cron: readonly string[]; every: readonly string[]; timezone: string }, from: Date, count = 5): Preview {
  if (input.cron.length === 0 && input.every.length === 0) return { ok: false, error: 'give a cron expression or an interval', field: 'cron' };
  if (!isTimeZone(input.timezone)) return { ok: false, error: `unknown time zone "${input.timezone}"`, field: 'timezone' };
  const all: Date[] = [];
  for (const expression of input.cron) {
    const problem = cronProblem(expression);
    if (problem) return { ok: false, error: problem, field: 'cron' };
    all.push(...nextCronTimes(expression, input.timezone, from, count));
  }
  for (const every of input.every) {
    const ms = parseEvery(every);
    if (ms === undefined) return { ok: false, error: `"${every}" is not an interval such as 30s, 15m, 2h or 1d`, field: 'every' };
    all.push(...nextEveryTimes(ms, from, count));
  }
  const unique = [...new Map(all.map((d) => [d.getTime(), d])).values()].sort((a, b) => a.getTime() - b.getTime());
  return { ok: true, times: unique.slice(0, count) };
}
