import { describe, expect, it } from 'vitest';
import { effectiveTheme, otherTheme, readStoredTheme, THEME_KEY } from './theme';

const storage = (value: string | null) => ({ getItem: (key: string) => (key === THEME_KEY ? value : null) });

describe('theme', () => {
  it('follows the system until the reader chooses', () => {
    expect(effectiveTheme(readStoredTheme(storage(null)), true)).toBe('dark');
    expect(effectiveTheme(readStoredTheme(storage(null)), false)).toBe('light');
  });

  it('keeps the reader’s choice over the system’s', () => {
    expect(effectiveTheme(readStoredTheme(storage('light')), true)).toBe('light');
    expect(effectiveTheme(readStoredTheme(storage('dark')), false)).toBe('dark');
  });

  it('ignores a stored value it does not know and storage that throws', () => {
    expect(readStoredTheme(storage('sepia'))).toBeNull();
    expect(readStoredTheme({ getItem: () => { throw new Error('denied'); } })).toBeNull();
    expect(readStoredTheme(undefined)).toBeNull();
  });

  it('toggles between the two', () => {
    expect(otherTheme('dark')).toBe('light');
    expect(otherTheme('light')).toBe('dark');
  });
});
