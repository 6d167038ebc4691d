import { z } from 'zod';

// Validation messages in plain words for the people who read them in the editor and in API
// errors ("Required", "At least 1 character"), instead of zod's defaults ("Invalid input: expected
// string, received undefined"). A schema's own message (`.regex(re, '…')`) still wins.

type Issue = Parameters<NonNullable<z.core.$ZodConfig['customError']>>[0];

const NOUN: Readonly<Record<string, string>> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
  record: 'an object',
  null: 'null',
  date: 'a date',
};

/** What a JSON value is, in the words of the messages. */
function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'number' && !Number.isFinite(value)) return 'not a number';
  return NOUN[typeof value] ?? typeof value;
}

const plural = (n: number | bigint, one: string, many: string) => `${n} ${n === 1 || n === 1n ? one : many}`;

/** The size bound of a too-small or too-big value, in words; undefined for what has no plain form. */
function bound(origin: string, n: number | bigint): string | undefined {
  if (origin === 'string') return plural(n, 'character', 'characters');
  if (origin === 'array' || origin === 'set') return plural(n, 'item', 'items');
  if (origin === 'number' || origin === 'int' || origin === 'bigint') return String(n);
  return undefined;
}

/** A plain message for a zod issue, or undefined to keep zod's own. */
export function plainMessage(issue: Issue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'Required';
      return `Expected ${NOUN[issue.expected] ?? issue.expected}, got ${kindOf(issue.input)}`;
    case 'too_small': {
      if (issue.origin === 'string' && Number(issue.minimum) === 1) return 'Required';
      const b = bound(issue.origin, issue.minimum);
      if (!b) return undefined;
      if (issue.exact) return `Exactly ${b}`;
      return issue.inclusive === false ? `More than ${b}` : `At least ${b}`;
    }
    case 'too_big': {
      const b = bound(issue.origin, issue.maximum);
      if (!b) return undefined;
      if (issue.exact) return `Exactly ${b}`;
      return issue.inclusive === false ? `Less than ${b}` : `At most ${b}`;
    }
    case 'invalid_value':
      return issue.values.length === 1 ? `Must be ${JSON.stringify(issue.values[0])}` : `One of: ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'unrecognized_keys':
      return `Unknown ${issue.keys.length === 1 ? 'field' : 'fields'}: ${issue.keys.join(', ')}`;
    case 'invalid_format':
      return issue.format === 'regex' ? 'Not in the expected form' : `Not a valid ${issue.format.replaceAll('_', ' ')}`;
    case 'not_multiple_of':
      return `A multiple of ${issue.divisor}`;
    default:
      return undefined;
  }
}

z.config({ customError: plainMessage });
