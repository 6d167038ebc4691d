import { useId, useState, type FormEvent } from 'react';
import { createToken, listTokens, revokeToken, type CreatedToken, type TokenEntry } from '../api/operators';
import { useResource } from '../api/useResource';
import { ConfirmDialog } from '../operators/ConfirmDialog';
import { ErrorNotice } from '../operators/ErrorNotice';
import { ROLES, type Role } from '../operators/nav';
import { ShownOnce } from '../operators/ShownOnce';
import { RequireRole } from '../operators/RequireRole';
import { DataTable } from '../operators/DataTable';
import { useAction } from '../operators/useAction';
import { useConfirmed } from '../operators/useConfirmed';
import { useMeStore } from '../store/me-store';
import { Time } from '../Time';
import { Loaded } from './Loaded';

/** API tokens (admins): create one and see it once, list, revoke. */
export function TokensPage() {
  return (
    <RequireRole role="admin" title="API tokens">
      <TokensContent />
    </RequireRole>
  );
}

function TokensContent() {
  const { resource, reload } = useResource('tokens', (signal) => listTokens({ signal }));
  const [created, setCreated] = useState<CreatedToken | null>(null);
  const revoke = useConfirmed((token: TokenEntry) => revokeToken(token.id), reload);
  const revoking = revoke.item;
  const myId = useMeStore((s) => (s.current.state === 'ready' ? s.current.me.tokenId : null));

  return (
    <div className="page">
      <title>Tokens · Weft</title>
      <div className="page-head">
        <h1>API tokens</h1>
      </div>
      <CreateToken
        onCreated={(t) => {
          setCreated(t);
          reload();
        }}
      />
      {created && (
        <section className="card form section" aria-labelledby="new-token-shown">
          <h2 id="new-token-shown">
            {created.name} ({created.role})
          </h2>
          <ShownOnce label="Token" value={created.token} testId="new-token" />
          <button type="button" className="button" onClick={() => setCreated(null)}>
            I have stored the token
          </button>
        </section>
      )}
      <section className="section" aria-labelledby="tokens-list">
        <h2 id="tokens-list">Tokens</h2>
        <ErrorNotice error={revoke.error} />
        <Loaded resource={resource} what="tokens" onRetry={reload}>
          {(tokens) => (
            <DataTable columns={['Name', 'Role', 'Created', 'Expires', 'Last used', 'Actions']}>
              {tokens.map((t) => (
                <tr key={t.id}>
                  <th scope="row">
                    {t.name} <span className="muted mono">{t.id}</span>
                    {t.id === myId && <span className="muted"> (this browser)</span>}
                  </th>
                  <td>{t.role}</td>
                  <td>
                    <Time value={t.createdAt} />
                  </td>
                  <td>{t.expiresAt ? <Time value={t.expiresAt} /> : <span className="muted">never</span>}</td>
                  <td>
                    <Time value={t.lastUsedAt} />
                  </td>
                  <td>
                    {t.revokedAt ? (
                      <span className="muted">
                        revoked <Time value={t.revokedAt} />
                      </span>
                    ) : (
                      <button type="button" className="button button--small" onClick={() => revoke.ask(t)} aria-label={`Revoke ${t.name} (${t.id})`}>
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </DataTable>
          )}
        </Loaded>
      </section>
      <ConfirmDialog open={revoking !== null} title="Revoke this token?" confirmLabel="Revoke token" busy={revoke.pending} onConfirm={() => void revoke.confirm()} onCancel={revoke.cancel}>
        <p>
          Anything using <strong>{revoking?.name}</strong> is refused from now on.
          {revoking?.id === myId && ' It is the token of this browser: you will be signed out.'}
        </p>
      </ConfirmDialog>
    </div>
  );
}

function CreateToken({ onCreated }: { readonly onCreated: (t: CreatedToken) => void }) {
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [expires, setExpires] = useState('');
  const { pending, error, run } = useAction();
  const ids = { name: useId(), role: useId(), expires: useId(), expiresHint: useId() };

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    let made: CreatedToken | null = null;
    const ok = await run(async () => {
      made = await createToken({ role, ...(name.trim() ? { name: name.trim() } : {}), ...(expires ? { expiresAt: new Date(expires).toISOString() } : {}) });
    });
    if (ok && made) {
      setName('');
      setExpires('');
      onCreated(made);
    }
  }

  return (
    <form className="card form" onSubmit={(e) => void submit(e)} aria-labelledby="new-token" noValidate>
      <h2 id="new-token">New token</h2>
      <div className="form-grid">
        <div className="field">
          <label htmlFor={ids.name}>Name</label>
          <input id={ids.name} value={name} onChange={(e) => setName(e.target.value)} maxLength={200} />
        </div>
        <div className="field">
          <label htmlFor={ids.role}>Role</label>
          <select id={ids.role} value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={ids.expires}>Expires (optional)</label>
          <input id={ids.expires} type="datetime-local" value={expires} onChange={(e) => setExpires(e.target.value)} aria-describedby={ids.expiresHint} />
          <p id={ids.expiresHint} className="hint">
            Your local time. Empty: never.
          </p>
        </div>
      </div>
      <ErrorNotice error={error} />
      <div className="form-actions">
        <button type="submit" className="button button--primary" disabled={pending} aria-busy={pending || undefined}>
          Create token
        </button>
      </div>
    </form>
  );
}
