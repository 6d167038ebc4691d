import { create } from 'zustand';
import { getMe, type Me } from '../api/operators';
import { toError } from '../api/useResource';
import type { Role } from '../operators/nav';

type MeState =
  | { readonly state: 'idle' | 'loading'; readonly me: null; readonly error: null }
  | { readonly state: 'ready'; readonly me: Me; readonly error: null }
  | { readonly state: 'error'; readonly me: null; readonly error: Error };

interface MeStore {
  readonly current: MeState;
  /** The token the current answer is for, so a new sign-in asks again. */
  readonly token: string | null;
  load(token: string): Promise<void>;
  clear(): void;
}

/** Who the signed-in token is (`GET /api/me`), loaded once per token. */
export const useMeStore = create<MeStore>()((set, get) => ({
  current: { state: 'idle', me: null, error: null },
  token: null,
  async load(token) {
    if (get().token === token && get().current.state !== 'error') return;
    set({ token, current: { state: 'loading', me: null, error: null } });
    try {
      const me = await getMe();
      if (get().token === token) set({ current: { state: 'ready', me, error: null } });
    } catch (e) {
      if (get().token === token) set({ current: { state: 'error', me: null, error: toError(e) } });
    }
  },
  clear() {
    set({ token: null, current: { state: 'idle', me: null, error: null } });
  },
}));

/** The signed-in role, or null while it is unknown. */
export function useRole(): Role | null {
  return useMeStore((s) => (s.current.state === 'ready' ? (s.current.me.role as Role) : null));
}
