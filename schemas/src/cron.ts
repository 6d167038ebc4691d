// Cron expressions of schedules, checked and stepped with croner, restricted to what Temporal
// Schedules read the same way (Temporal receives the string itself and compiles it):
// - 5 fields only (minute hour day-of-month month day-of-week). Temporal reads a 6th field as the
//   year and a 7-field string as seconds first, where croner reads 6 fields as seconds first;
//   allowing neither keeps one meaning, and schedules have minute resolution.
// - numbers, `*`, lists, ranges, `*`/range steps and 3-letter month and day names; croner's
//   extensions (`L`, `W`, `#`, `?`) are refused: Temporal has none of them and reads `#` as the
//   start of a comment.
// - the macros Temporal knows, spelled as Temporal spells them.
// - day-of-month and day-of-week both restricted means both must match: Temporal does not
//   implement the OR rule of Vixie cron, so croner steps with `domAndDow`.
import { Cron, type CronOptions } from 'croner';
import { z } from 'zod';

/** The macros Temporal Schedules accept in place of the 5 fields. */
export const CRON_MACROS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'] as const;

const FIELD_NAMES = ['minute', 'hour', 'day of month', 'month', 'day of week'] as const;
const MONTH_NAMES = /jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec/gi;
const DAY_NAMES = /sun|mon|tue|wed|thu|fri|sat/gi;

const OPTIONS: CronOptions = { mode: '5-part', domAndDow: true, paused: true };

/** Tells what croner would accept but Temporal would read otherwise, or nothing. */
function temporalProblem(expression: string): string | undefined {
  if (expression.startsWith('@')) {
    return (CRON_MACROS as readonly string[]).includes(expression) ? undefined : `unknown macro ${expression}; use one of ${CRON_MACROS.join(', ')}`;
  }
  const fields = expression.split(/\s+/);
  if (fields.length !== 5) return `expected 5 fields (minute hour day-of-month month day-of-week), got ${fields.length}`;
  for (const [i, field] of fields.entries()) {
    const bare = i === 3 ? field.replace(MONTH_NAMES, '0') : i === 4 ? field.replace(DAY_NAMES, '0') : field;
    if (!/^[0-9*,/-]+$/.test(bare)) return `the ${FIELD_NAMES[i]} field "${field}" may hold only numbers, *, lists, ranges and steps${i >= 3 ? ' (and 3-letter names)' : ''}`;
  }
  return undefined;
}

/**
 * The problem with a cron expression, or undefined when Temporal Schedules and croner both accept
 * it with the same meaning.
 * @example cronProblem('0 9 * * mon-fri') // undefined
 */
export function cronProblem(expression: string): string | undefined {
  const text = expression.trim();
  if (text === '') return 'the cron expression is empty';
  const problem = temporalProblem(text);
  if (problem) return problem;
  try {
    new Cron(text, OPTIONS);
    return undefined;
  } catch (e) {
    return (e as Error).message.replace(/^CronPattern: /, '');
  }
}

/**
 * The next `count` times after `from` at which a valid cron expression fires in `timeZone` (an
 * IANA zone). Throws on an expression `cronProblem` refuses.
 */
export function nextCronTimes(expression: string, timeZone: string, from: Date, count: number): Date[] {
  const problem = cronProblem(expression);
  if (problem) throw new Error(problem);
  return new Cron(expression.trim(), { ...OPTIONS, timezone: timeZone }).nextRuns(count, from);
}

/** A cron expression of a schedule: 5 fields or a macro, as `cronProblem` checks it. */
export const CronExpression = z
  .string()
  .trim()
  .max(200)
  .superRefine((text, ctx) => {
    const problem = cronProblem(text);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .meta({ title: 'Cron expression', description: 'minute hour day-of-month month day-of-week, or a macro such as @hourly' });
export type CronExpression = z.infer<typeof CronExpression>;
