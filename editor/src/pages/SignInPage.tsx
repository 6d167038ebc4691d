import { useId, useState, type FormEvent } from 'react';
import { ApiError, checkToken } from '../api/client';
import { toError } from '../api/useResource';
import { useAuthStore } from '../store/auth-store';
import './pages.css';

/** Asks for an API token and keeps it once the API accepts it. */
export function SignInPage() {
  const signIn = useAuthStore((s) => s.signIn);
  const reason = useAuthStore((s) => s.reason);
  const [token, setToken] = useState('');
  const [checking, setChecking] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const inputId = useId();
  const hintId = useId();
  const errorId = useId();

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const candidate = token.trim();
    if (!candidate) {
      setError('Enter a token');
      return;
    }
    setChecking(true);
    setError(null);
    try {
      await checkToken(candidate);
      signIn(candidate);
    } catch (e) {
      setError(e instanceof ApiError && e.status === 401 ? 'That token was not accepted' : `Could not check the token: ${toError(e).message}`);
      setChecking(false);
    }
  }

  return (
    <div className="sign-in">
      <title>Sign in · Weft</title>
      <form className="card sign-in__form" onSubmit={(e) => void handleSubmit(e)} noValidate aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">Sign in</h1>
        {reason === 'rejected' && (
          <p className="notice" role="status">
            The API no longer accepts your token. Sign in again.
          </p>
        )}
        <div className="field">
          <label htmlFor={inputId}>API token</label>
          <input
            id={inputId}
            type="password"
            value={token}
            onChange={(e) => setToken(e.target.value)}
            autoComplete="off"
            spellCheck={false}
            autoFocus
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? `${errorId} ${hintId}` : hintId}
          />
          <p id={hintId} className="hint">
            Create one with: <code>npm run weft -- token create --role admin</code>
          </p>
        </div>
        {error && (
          <p id={errorId} className="notice notice--danger" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="button button--primary" disabled={checking} aria-busy={checking || undefined}>
          Sign in
        </button>
      </form>
    </div>
  );
}
