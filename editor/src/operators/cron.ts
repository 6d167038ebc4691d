// A small evaluator of 5-field cron expressions and `every` intervals, so the schedule form can
// show when a schedule would fire before it is created. Temporal decides the real firings; this
// follows the same rules for what the form accepts (minute hour day-of-month month day-of-week,
// lists, ranges, steps, names, the @ macros; day-of-month and day-of-week OR-ed when both are
// restricted, as in Vixie cron).

/** A parsed cron expression: the allowed values of each field. */
export interface CronSpec {
  readonly minutes: ReadonlySet<number>;
  readonly hours: ReadonlySet<number>;
  readonly days: ReadonlySet<number>;
  readonly months: ReadonlySet<number>;
  /** 0 = Sunday … 6 = Saturday (7 is read as Sunday). */
  readonly weekdays: ReadonlySet<number>;
  readonly daysRestricted: boolean;
  readonly weekdaysRestricted: boolean;
}

/** The result of parsing: a spec, or a message saying which field is wrong. */
export type CronParse = { readonly ok: true; readonly spec: CronSpec } | { readonly ok: false; readonly error: string };

const MACROS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};
const MONTH_NAMES = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

interface FieldRule {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
  /** The value the first name stands for. */
  readonly namesFrom?: number;
}
const FIELDS: readonly FieldRule[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTH_NAMES, namesFrom: 1 },
  { name: 'day of week', min: 0, max: 7, names: DAY_NAMES, namesFrom: 0 },
];

/** Parses a cron expression of 5 fields or an @ macro. */
export function parseCron(expression: string): CronParse {
  const trimmed = expression.trim().toLowerCase();
  const text = MACROS[trimmed] ?? trimmed;
  if (text.startsWith('@')) return { ok: false, error: `unknown macro ${trimmed}; use @yearly, @monthly, @weekly, @daily or @hourly` };
  const parts = text.split(/\s+/).filter(Boolean);
  if (parts.length !== 5) return { ok: false, error: `expected 5 fields (minute hour day month weekday), got ${parts.length}` };
  const sets: Set<number>[] = [];
  for (let i = 0; i < 5; i++) {
    const parsed = parseField(parts[i]!, FIELDS[i]!);
    if (typeof parsed === 'string') return { ok: false, error: parsed };
    sets.push(parsed);
  }
  const weekdays = sets[4]!;
  if (weekdays.delete(7)) weekdays.add(0);
  return {
    ok: true,
    spec: {
      minutes: sets[0]!,
      hours: sets[1]!,
      days: sets[2]!,
      months: sets[3]!,
      weekdays,
      daysRestricted: !parts[2]!.startsWith('*'),
      weekdaysRestricted: !parts[4]!.startsWith('*'),
    },
  };
}

function parseField(field: string, rule: FieldRule): Set<number> | string {
  const out = new Set<number>();
  for (const item of field.split(',')) {
    const match = /^([^/]+)(?:\/(\d+))?$/.exec(item);
    if (!match) return `the ${rule.name} field has an invalid part "${item}"`;
    const step = match[2] === undefined ? 1 : Number(match[2]);
    if (step < 1) return `the ${rule.name} field has a step of 0`;
    let from: number;
    let to: number;
    if (match[1] === '*') {
      from = rule.min;
      to = rule.max;
    } else {
      const [a, b, ...rest] = match[1]!.split('-');
      if (rest.length > 0) return `the ${rule.name} field has an invalid range "${match[1]}"`;
      const start = value(a!, rule);
      if (start === undefined) return `the ${rule.name} field has an invalid value "${a}"`;
      from = start;
      if (b === undefined) to = match[2] === undefined ? start : rule.max;
      else {
        const end = value(b, rule);
        if (end === undefined) return `the ${rule.name} field has an invalid value "${b}"`;
        to = end;
      }
      if (from > to) return `the ${rule.name} field has a range that runs backwards "${match[1]}"`;
    }
    for (let v = from; v <= to; v += step) out.add(v);
  }
  return out;
}

function value(text: string, rule: FieldRule): number | undefined {
  const named = rule.names?.indexOf(text) ?? -1;
  if (named >= 0) return named + (rule.namesFrom ?? 0);
  if (!/^\d+$/.test(text)) return undefined;
  const n = Number(text);
  return n >= rule.min && n <= rule.max ? n : undefined;
}

/** The wall-clock fields of an instant in a time zone. */
interface Wall {
  readonly month: number;
  readonly day: number;
  readonly weekday: number;
  readonly hour: number;
  readonly minute: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function wallClock(date: Date, timeZone: string): Wall {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', month: 'numeric', day: 'numeric', weekday: 'short', hour: 'numeric', minute: 'numeric' });
    formatters.set(timeZone, format);
  }
  const parts: Record<string, string> = {};
  for (const p of format.formatToParts(date)) parts[p.type] = p.value;
  return {
    month: Number(parts.month),
    day: Number(parts.day),
    weekday: DAY_NAMES.indexOf((parts.weekday ?? '').toLowerCase()),
    hour: Number(parts.hour) % 24,
    minute: Number(parts.minute),
  };
}

/** Whether `timeZone` is an IANA zone this browser knows. */
export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return timeZone.trim() !== '';
  } catch {
    return false;
  }
}

const MINUTE = 60_000;
/** Gives up after this many steps, so an expression that never fires (Feb 30) cannot hang the page. */
const MAX_STEPS = 50_000;

/**
 * The next `count` times after `from` at which `spec` fires in `timeZone`. Wall-clock times that
 * a daylight-saving change skips do not fire; repeated ones fire once per instant.
 */
export function nextCronTimes(spec: CronSpec, timeZone: string, from: Date, count: number): Date[] {
  const out: Date[] = [];
  let t = Math.floor(from.getTime() / MINUTE) * MINUTE + MINUTE;
  for (let steps = 0; out.length < count && steps < MAX_STEPS; steps++) {
    const w = wallClock(new Date(t), timeZone);
    const dayOk = dayMatches(spec, w);
    if (!spec.months.has(w.month) || !dayOk) {
      // To the next wall-clock midnight, undershooting by an hour so a DST change never skips a day.
      t += Math.max(1, (24 * 60 - (w.hour * 60 + w.minute)) - 60) * MINUTE;
      continue;
    }
    if (!spec.hours.has(w.hour)) {
      t += (60 - w.minute) * MINUTE;
      continue;
    }
    if (!spec.minutes.has(w.minute)) {
      t += MINUTE;
      continue;
    }
    out.push(new Date(t));
    t += MINUTE;
  }
  return out;
}

function dayMatches(spec: CronSpec, w: Wall): boolean {
  const byDay = spec.days.has(w.day);
  const byWeekday = spec.weekdays.has(w.weekday);
  if (spec.daysRestricted && spec.weekdaysRestricted) return byDay || byWeekday;
  if (spec.daysRestricted) return byDay;
  if (spec.weekdaysRestricted) return byWeekday;
  return true;
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
    const parsed = parseCron(expression);
    if (!parsed.ok) return { ok: false, error: parsed.error, field: 'cron' };
    all.push(...nextCronTimes(parsed.spec, input.timezone, from, count));
  }
  for (const every of input.every) {
    const ms = parseEvery(every);
    if (ms === undefined) return { ok: false, error: `"${every}" is not an interval such as 30s, 15m, 2h or 1d`, field: 'every' };
    all.push(...nextEveryTimes(ms, from, count));
  }
  const unique = [...new Map(all.map((d) => [d.getTime(), d])).values()].sort((a, b) => a.getTime() - b.getTime());
  return { ok: true, times: unique.slice(0, count) };
}
