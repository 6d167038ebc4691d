import { describe, expect, it } from 'vitest';
import { formatDateTime, formatDuration, formatJson } from './format';

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
