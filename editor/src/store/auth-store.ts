import { create } from 'zustand';

const TOKEN_KEY = 'weft.token';

/** Why the user is looking at the sign-in form. */
export type SignedOutReason = 'signed-out' | 'rejected';

interface AuthState {
  readonly token: string | null;
  /** Set when the API rejected a token that used to work, so the form can say why. */
  readonly reason: SignedOutReason | null;
  signIn(token: string): void;
  signOut(reason?: SignedOutReason): void;
}

/** The API token of this browser, kept in localStorage under `weft.token`. */
export const useAuthStore = create<AuthState>()((set) => ({
  token: readToken(),
  reason: null,
  signIn(token) {
    writeToken(token);
    set({ token, reason: null });
  },
  signOut(reason = 'signed-out') {
    writeToken(null);
    set({ token: null, reason });
  },
}));

// Signing out in one tab signs out the others.
if (typeof window !== 'undefined') {
  window.addEventListener('storage', (event) => {
    if (event.key !== TOKEN_KEY && event.key !== null) return;
    const token = readToken();
    if (token !== useAuthStore.getState().token) useAuthStore.setState({ token, reason: null });
  });
}

// localStorage throws in some private modes and sandboxed frames; the editor then keeps the
// token for the page's life only.
function readToken(): string | null {
  try {
    return window.localStorage.getItem(TOKEN_KEY) || null;
  } catch {
    return null;
  }
}

function writeToken(token: string | null): void {
  try {
    if (token) window.localStorage.setItem(TOKEN_KEY, token);
    else window.localStorage.removeItem(TOKEN_KEY);
  } catch {
    // see readToken
  }
}
