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

/** How often each mounted caller wants the approvals refreshed. */
const wanted = new Map<symbol, number>();
let timer: { readonly id: number; readonly everyMs: number } | null = null;

/** One timer for every caller, at the shortest interval any of them asks for. */
function reschedule(): void {
  const everyMs = wanted.size > 0 ? Math.min(...wanted.values()) : null;
  if (timer && timer.everyMs === everyMs) return;
  if (timer) window.clearInterval(timer.id);
  timer = everyMs === null ? null : { id: window.setInterval(() => void useApprovalsStore.getState().refresh(), everyMs), everyMs };
}

/**
 * Keeps the approvals fresh while the caller is mounted and `enabled`: now, then every `everyMs`.
 * Callers share one timer (the navigation count and the inbox ask once, not each).
 */
export function useApprovalsPolling(enabled: boolean, everyMs: number): void {
  useEffect(() => {
    if (!enabled) return;
    const key = Symbol('approvals poller');
    wanted.set(key, everyMs);
    reschedule();
    void useApprovalsStore.getState().refresh();
    return () => {
      wanted.delete(key);
      reschedule();
    };
  }, [enabled, everyMs]);
}
