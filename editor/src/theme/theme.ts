/** A colour scheme the reader may pick. */
export type Theme = 'light' | 'dark';

/** Where the reader's choice is kept. */
export const THEME_KEY = 'weft.theme';

/** The stored choice, or null when the reader never chose (then the system decides). */
export function readStoredTheme(storage: Pick<Storage, 'getItem'> | undefined): Theme | null {
  try {
    const value = storage?.getItem(THEME_KEY);
    return value === 'light' || value === 'dark' ? value : null;
  } catch {
    return null;
  }
}

/** The theme in effect: the reader's choice, else the system's preference. */
export function effectiveTheme(stored: Theme | null, systemPrefersDark: boolean): Theme {
  return stored ?? (systemPrefersDark ? 'dark' : 'light');
}

/** The other theme, for the toggle. */
export function otherTheme(theme: Theme): Theme {
  return theme === 'dark' ? 'light' : 'dark';
}
