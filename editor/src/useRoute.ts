import { useMemo, useSyncExternalStore } from 'react';
import { currentPath, matchRoute, subscribe, type Route } from './router';

/** The page the current path shows; re-renders when the path changes. */
export function useRoute(): Route {
  const path = useSyncExternalStore(subscribe, currentPath);
  return useMemo(() => matchRoute(path), [path]);
}
