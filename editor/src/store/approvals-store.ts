import { useEffect } from 'react';
import { create } from 'zustand';
import { listApprovals, type PendingApproval } from '../api/operators';
import { toError } from '../api/useResource';

interface ApprovalsState {
  /** The waiting approvals, or null before the first answer. */
  readonly items: readonly PendingApproval[] | null;
  /** The last failure to load; cleared by the next success. */
  readonly error: Error | null;
  /** Asks the API again; overlapping calls share one request. */
  refresh(): Promise<void>;
}

let inFlight: Promise<void> | null = null;

/** The approvals runs wait on: the inbox lists them and the navigation counts them, from one answer. */
export const useApprovalsStore = create<ApprovalsState>()((set) => ({
  items: null,
  error: null,
  refresh() {
    inFlight ??= listApprovals()
      .then(
        (items) => set({ items, error: null }),
        (e: unknown) => set({ error: toError(e) }),
      )
      .finally(() => {
        inFlight = null;
      });
    return inFlight;
  },
}));

/** Keeps the approvals fresh while the caller is mounted and `enabled`: now, then every `everyMs`. */
export function useApprovalsPolling(enabled: boolean, everyMs: number): void {
  useEffect(() => {
    if (!enabled) return;
    const refresh = () => void useApprovalsStore.getState().refresh();
    refresh();
    const timer = window.setInterval(refresh, everyMs);
    return () => window.clearInterval(timer);
  }, [enabled, everyMs]);
}
