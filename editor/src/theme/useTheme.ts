import { useEffect, useState, useSyncExternalStore } from 'react';
import { effectiveTheme, readStoredTheme, THEME_KEY, type Theme } from './theme';

const QUERY = '(prefers-color-scheme: dark)';

function subscribeSystem(listener: () => void): () => void {
  const media = window.matchMedia(QUERY);
  media.addEventListener('change', listener);
  return () => media.removeEventListener('change', listener);
}
const systemPrefersDark = () => window.matchMedia(QUERY).matches;

function localStore(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

/**
 * The theme in effect and a setter that persists the choice. Sets `data-theme` on `<html>`, which
 * the stylesheet reads; without a stored choice the system preference decides (and is followed live).
 */
export function useTheme(): { theme: Theme; setTheme: (theme: Theme) => void } {
  const [stored, setStored] = useState<Theme | null>(() => readStoredTheme(localStore()));
  const systemDark = useSyncExternalStore(subscribeSystem, systemPrefersDark, () => false);
  const theme = effectiveTheme(stored, systemDark);

  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    document.documentElement.style.colorScheme = theme;
  }, [theme]);

  function setTheme(next: Theme) {
    try {
      localStore()?.setItem(THEME_KEY, next);
    } catch {
      // Storage refused (private mode): the choice lasts for this page only.
    }
    setStored(next);
  }
  return { theme, setTheme };
}
