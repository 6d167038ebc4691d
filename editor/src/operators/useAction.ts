import { useCallback, useState } from 'react';
import { toError } from '../api/useResource';

/** Runs one change at a time, keeping whether it is under way and how it failed. */
export function useAction(): { pending: boolean; error: Error | null; run: (action: () => Promise<void>) => Promise<boolean>; reset: () => void } {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const run = useCallback(async (action: () => Promise<void>) => {
    setPending(true);
    setError(null);
    try {
      await action();
      return true;
    } catch (e) {
      setError(toError(e));
      return false;
    } finally {
      setPending(false);
    }
  }, []);
  const reset = useCallback(() => setError(null), []);
  return { pending, error, run, reset };
}
