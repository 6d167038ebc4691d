import { describe, expect, it } from 'vitest';
import { formatCost, formatCount, formatDateTime, formatDuration, formatJson } from './format';

describe('formatDateTime', () => {
  it('shows a dash when there is no time', () => {
    expect(formatDateTime(null)).toBe('—');
    expect(formatDateTime(undefined)).toBe('—');
  });

  it('shows text that is not a date as it is', () => {
    expect(formatDateTime('soon')).toBe('soon');
  });

  it('formats a timestamp with the given format', () => {
    const utc = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', hour: '2-digit', minute: '2-digit' });
    expect(formatDateTime('2026-03-01T09:30:00Z', utc)).toBe('09:30');
  });
});

describe('formatDuration', () => {
  it('picks a unit that suits the length', () => {
    const at = (ms: number) => new Date(Date.UTC(2026, 0, 1) + ms).toISOString();
    expect(formatDuration(at(0), at(850))).toBe('850 ms');
    expect(formatDuration(at(0), at(12_400))).toBe('12.4 s');
    expect(formatDuration(at(0), at(185_000))).toBe('3 min 5 s');
    expect(formatDuration(at(0), at(7_800_000))).toBe('2 h 10 min');
  });

  it('is unknown until both ends are known', () => {
    expect(formatDuration('2026-01-01T00:00:00Z', null)).toBeNull();
    expect(formatDuration(null, '2026-01-01T00:00:00Z')).toBeNull();
  });
});

describe('formatJson', () => {
  it('indents JSON by two spaces', () => {
    expect(formatJson({ a: [1] })).toBe('{\n  "a": [\n    1\n  ]\n}');
  });

  it('survives values JSON cannot hold', () => {
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    expect(formatJson(loop)).toBe('[object Object]');
    expect(formatJson(undefined)).toBe('undefined');
  });
});

describe('formatCost', () => {
  it('keeps the digits that matter in a fraction of a cent', () => {
    expect(formatCost(0.000029)).toBe('$0.000029');
    expect(formatCost(0.0000195)).toBe('$0.0000195');
    expect(formatCost(0.00016)).toBe('$0.00016');
    expect(formatCost(0.000000001234)).toBe('$0.00000000123');
  });

  it('rounds to three significant digits below a dollar and to cents above', () => {
    expect(formatCost(0.0123456)).toBe('$0.0123');
    expect(formatCost(0.5)).toBe('$0.50');
    expect(formatCost(0.1)).toBe('$0.10');
    expect(formatCost(0.999)).toBe('$0.999');
    expect(formatCost(0.99951)).toBe('$1.00');
    expect(formatCost(12.346)).toBe('$12.35');
    expect(formatCost(1212.3)).toBe('$1,212.30');
    expect(formatCost(3)).toBe('$3.00');
  });

  it('sums floating-point noise away', () => {
    expect(formatCost(0.0000115 + 0.0000175)).toBe('$0.000029');
    expect(formatCost(0.1 + 0.2)).toBe('$0.30');
  });

  it('shows nothing spent as $0, and a dash for what is not a number', () => {
    expect(formatCost(0)).toBe('$0');
    expect(formatCost(Number.NaN)).toBe('—');
  });
});

describe('formatCount', () => {
  it('separates thousands and puts the unit in the plural but for one', () => {
    expect(formatCount(12840, 'token')).toBe('12,840 tokens');
    expect(formatCount(1, 'call')).toBe('1 call');
    expect(formatCount(0, 'call')).toBe('0 calls');
  });
});
