import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from './client';

/** Where a load stands. */
export type Resource<T> =
  | { readonly state: 'loading' }
  | { readonly state: 'ready'; readonly data: T }
  | { readonly state: 'error'; readonly error: Error };

const LOADING = { state: 'loading' } as const;

/**
 * Loads data for `key` and reloads when the key changes; an earlier load still under way is
 * aborted, so a slow answer for an old key never replaces a newer one.
 * @example const { resource, reload } = useResource(`workflow:${id}`, (signal) => getWorkflow(id, { signal }));
 */
export function useResource<T>(key: string, load: (signal: AbortSignal) => Promise<T>): { resource: Resource<T>; reload: () => void } {
  // The latest `load` is read through a ref so callers may pass an inline function.
  const loadRef = useRef(load);
  useEffect(() => {
    loadRef.current = load;
  });

  const [attempt, setAttempt] = useState(0);
  const [settled, setSettled] = useState<{ key: string; attempt: number; resource: Resource<T> } | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    loadRef.current(controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) setSettled({ key, attempt, resource: { state: 'ready', data } });
      },
      (error: unknown) => {
        if (!controller.signal.aborted) setSettled({ key, attempt, resource: { state: 'error', error: toError(error) } });
      },
    );
    return () => controller.abort();
  }, [key, attempt]);

  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  const resource = settled && settled.key === key && settled.attempt === attempt ? settled.resource : LOADING;
  return { resource, reload };
}

/** Any thrown value as an Error, for messages. */
export function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/** A failure in one line for a person: the message, and each problem the API named with its path. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError && error.issues.length > 0) {
    return `${error.message} (${error.issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')})`;
  }
  return toError(error).message;
}
