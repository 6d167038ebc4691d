import { useId, useState, type FormEvent } from 'react';
import { deleteSecret, listSecrets, putSecret, type SecretEntry } from '../api/operators';
import { useResource } from '../api/useResource';
import { ConfirmDialog } from '../operators/ConfirmDialog';
import { ErrorNotice } from '../operators/ErrorNotice';
import { RequireRole } from '../operators/RequireRole';
import { DataTable } from '../operators/DataTable';
import { useAction } from '../operators/useAction';
import { useConfirmed } from '../operators/useConfirmed';
import { Time } from '../Time';
import { Loaded } from './Loaded';

/**
 * Secrets, write-only: set or replace a value, bind it to the hosts it may be sent to, list names,
 * hosts and times, delete. Values never come back.
 */
export function SecretsPage() {
  return (
    <RequireRole role="admin" title="Secrets">
      <SecretsContent />
    </RequireRole>
  );
}

function SecretsContent() {
  const { resource, reload } = useResource('secrets', (signal) => listSecrets({ signal }));
  // A secret whose hosts are being changed: the form is filled with them (remounted by key).
  const [rebinding, setRebinding] = useState<{ readonly name: string; readonly hosts: readonly string[]; readonly n: number } | null>(null);
  const remove = useConfirmed((secret: SecretEntry) => deleteSecret(secret.name), reload);

  return (
    <div className="page">
      <title>Secrets · Weft</title>
      <div className="page-head">
        <h1>Secrets</h1>
      </div>
      <SetSecret key={rebinding?.n ?? 0} initial={rebinding ?? undefined} onSaved={reload} />
      <section className="section" aria-labelledby="secrets-list">
        <h2 id="secrets-list">Stored secrets</h2>
        <ErrorNotice error={remove.error} />
        <Loaded resource={resource} what="secrets" onRetry={reload} empty="No secrets yet.">
          {(secrets) => (
            <DataTable columns={['Name', 'Hosts', 'Created', 'Last set', 'Set by', 'Actions']}>
              {secrets.map((s) => (
                <tr key={s.name}>
                  <th scope="row" className="mono">
                    {s.name}
                  </th>
                  <td className="mono">
                    {s.hosts === null ? <span className="badge badge--warning">None: sent nowhere until bound</span> : s.hosts.map((h) => <div key={h}>{h}</div>)}
                  </td>
                  <td>
                    <Time value={s.createdAt} />
                  </td>
                  <td>
                    <Time value={s.updatedAt} />
                  </td>
                  <td className="mono">{s.updatedBy ?? '—'}</td>
                  <td>
                    <button
                      type="button"
                      className="button button--small"
                      onClick={() => setRebinding((r) => ({ name: s.name, hosts: s.hosts ?? [], n: (r?.n ?? 0) + 1 }))}
                      aria-label={`Change the hosts of ${s.name}`}
                    >
                      Change hosts
                    </button>{' '}
                    <button type="button" className="button button--small" onClick={() => remove.ask(s)} aria-label={`Delete ${s.name}`}>
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </DataTable>
          )}
        </Loaded>
      </section>
      <ConfirmDialog open={remove.item !== null} title="Delete this secret?" confirmLabel="Delete secret" busy={remove.pending} onConfirm={() => void remove.confirm()} onCancel={remove.cancel}>
        <p>
          Nodes reading <code>{remove.item?.name}</code> will fail until it is set again.
        </p>
      </ConfirmDialog>
    </div>
  );
}

/** The hosts typed in the form: one per line (or comma-separated), blanks dropped. */
function parseHostsField(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((h) => h.trim())
    .filter((h) => h !== '');
}

function SetSecret({ onSaved, initial }: { readonly onSaved: () => void; readonly initial?: { readonly name: string; readonly hosts: readonly string[] } }) {
  const [name, setName] = useState(initial?.name ?? '');
  const [value, setValue] = useState('');
  const [hostsText, setHostsText] = useState(initial?.hosts.join('\n') ?? '');
  const [saved, setSaved] = useState('');
  const { pending, error, run } = useAction();
  const ids = { name: useId(), value: useId(), hosts: useId(), hint: useId(), hostsHint: useId() };
  const hosts = parseHostsField(hostsText);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const ok = await run(() => putSecret(name.trim(), { ...(value === '' ? {} : { value }), ...(hosts.length === 0 ? {} : { hosts }) }));
    if (ok) {
      // The value leaves the page's memory as soon as it is stored.
      setValue('');
      setSaved(`Saved ${name.trim()}`);
      onSaved();
    }
  }

  return (
    <form className="card form" onSubmit={(e) => void submit(e)} aria-labelledby="set-secret" noValidate autoComplete="off">
      <h2 id="set-secret">Set a secret</h2>
      <p id={ids.hint} className="hint">
        Setting an existing name replaces its value; leave the value empty to change only the hosts. Values are encrypted and never shown again.
      </p>
      <div className="form-grid">
        <div className="field">
          <label htmlFor={ids.name}>Name</label>
          <input id={ids.name} className="mono" value={name} onChange={(e) => setName(e.target.value)} spellCheck={false} />
        </div>
        <div className="field">
          <label htmlFor={ids.value}>Value</label>
          <input id={ids.value} type="password" value={value} onChange={(e) => setValue(e.target.value)} autoComplete="new-password" aria-describedby={ids.hint} />
        </div>
        <div className="field">
          <label htmlFor={ids.hosts}>Hosts</label>
          <textarea id={ids.hosts} className="mono" rows={3} value={hostsText} onChange={(e) => setHostsText(e.target.value)} spellCheck={false} aria-describedby={ids.hostsHint} />
          <p id={ids.hostsHint} className="hint">
            Where the secret may be sent, one per line: <span className="mono">api.example.com</span>, <span className="mono">*.example.com</span> (one more label), <span className="mono">api.example.com:8443</span>,{' '}
            <span className="mono">api.example.com/v1/</span> (a path prefix). https only, unless written <span className="mono">http://host</span>. Needed for a new secret; leave empty to keep the stored hosts. Weft
            refuses to send it anywhere else, redirects included.
          </p>
        </div>
      </div>
      <ErrorNotice error={error} />
      <div className="form-actions">
        <button type="submit" className="button button--primary" disabled={pending || name.trim() === '' || (value === '' && hosts.length === 0)} aria-busy={pending || undefined}>
          Save secret
        </button>
        <span role="status" className="muted">
          {saved}
        </span>
      </div>
    </form>
  );
}
