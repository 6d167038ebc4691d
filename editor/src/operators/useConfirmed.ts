import { useState } from 'react';
import { useAction } from './useAction';

/**
 * An action on one item that waits for the person to confirm it (see `ConfirmDialog`): `ask`
 * names the item, `confirm` runs the action on it and calls `onDone` when it worked, `cancel`
 * forgets it. `pending` and `error` are the action's.
 */
export function useConfirmed<T>(act: (item: T) => Promise<unknown>, onDone: () => void) {
  const [item, setItem] = useState<T | null>(null);
  const { pending, error, run } = useAction();
  const confirm = async () => {
    if (item === null) return;
    const ok = await run(async () => {
      await act(item);
    });
    setItem(null);
    if (ok) onDone();
  };
  return { item, ask: setItem, cancel: () => setItem(null), confirm, pending, error } as const;
}
