import { useEffect, useState } from 'react';
import { api, call } from '../api/client';

/** Secret names for pickers, or null when the caller may not list them (only admins may). */
let pending: Promise<readonly string[] | null> | null = null;

function load(): Promise<readonly string[] | null> {
  pending ??= call((o) => api.api.secrets.$get({ query: { limit: '500' } }, o)).then(
    (page) => page.items.map((s) => s.name),
    () => {
      // Not an admin (403) or unreachable: the field falls back to a text input.
      pending = null;
      return null;
    },
  );
  return pending;
}

/** Names of stored secrets, loaded once per page; null while loading or when not allowed. */
export function useSecretNames(): readonly string[] | null {
  const [names, setNames] = useState<readonly string[] | null>(null);
  useEffect(() => {
    let live = true;
    void load().then((n) => {
      if (live) setNames(n);
    });
    return () => {
      live = false;
    };
  }, []);
  return names;
}
