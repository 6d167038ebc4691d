import { useEffect, useId, useState, type FormEvent } from 'react';
import { listAudit, type AuditEvent, type AuditFilter } from '../api/operators';
import { toError } from '../api/useResource';
import { RequireRole } from '../operators/RequireRole';
import { ErrorNotice } from '../operators/ErrorNotice';
import { DataTable } from '../operators/DataTable';
import { Loading } from '../operators/Loading';
import { formatJson } from '../format';
import { Time } from '../Time';

/** The audit log (admins), newest first: filter by action, actor and target; "Load more" pages on. */
export function AuditPage() {
  return (
    <RequireRole role="admin" title="Audit log">
      <AuditContent />
    </RequireRole>
  );
}

function AuditContent() {
  const [draft, setDraft] = useState<Required<AuditFilter>>({ action: '', actor: '', target: '' });
  const [filter, setFilter] = useState<AuditFilter>({});
  const [events, setEvents] = useState<AuditEvent[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [refreshing, setRefreshing] = useState(true);
  const [error, setError] = useState<Error | null>(null);
  const ids = { action: useId(), actor: useId(), target: useId() };

  useEffect(() => {
    const controller = new AbortController();
    // Earlier events stay (marked busy) until the new ones arrive, so the page does not jump.
    setRefreshing(true);
    setError(null);
    listAudit(filter, null, { signal: controller.signal }).then(
      (page) => {
        setEvents(page.items);
        setCursor(page.nextCursor);
        setRefreshing(false);
      },
      (e: unknown) => {
        if (controller.signal.aborted) return;
        setError(toError(e));
        setRefreshing(false);
      },
    );
    return () => controller.abort();
  }, [filter]);

  async function loadMore() {
    if (!cursor) return;
    setLoadingMore(true);
    try {
      const page = await listAudit(filter, cursor);
      setEvents((prev) => [...(prev ?? []), ...page.items]);
      setCursor(page.nextCursor);
    } catch (e) {
      setError(toError(e));
    } finally {
      setLoadingMore(false);
    }
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setFilter({ ...draft });
  }

  return (
    <div className="page">
      <title>Audit log · Weft</title>
      <div className="page-head">
        <h1>Audit log</h1>
      </div>
      <form className="card form" onSubmit={submit} aria-label="Filter the audit log">
        <div className="form-grid">
          <div className="field">
            <label htmlFor={ids.action}>Action</label>
            <input id={ids.action} className="mono" value={draft.action} onChange={(e) => setDraft({ ...draft, action: e.target.value })} placeholder="schedule.create" />
          </div>
          <div className="field">
            <label htmlFor={ids.actor}>Actor (token id)</label>
            <input id={ids.actor} className="mono" value={draft.actor} onChange={(e) => setDraft({ ...draft, actor: e.target.value })} placeholder="tok_…" />
          </div>
          <div className="field">
            <label htmlFor={ids.target}>Target</label>
            <input id={ids.target} className="mono" value={draft.target} onChange={(e) => setDraft({ ...draft, target: e.target.value })} placeholder="schedule:sch_…" />
          </div>
        </div>
        <div className="form-actions">
          <button type="submit" className="button button--primary">
            Filter
          </button>
        </div>
      </form>
      <section className="section" aria-labelledby="audit-events" aria-busy={refreshing || loadingMore}>
        <h2 id="audit-events">Events</h2>
        <ErrorNotice error={error} />
        {events === null && !error && <Loading what="audit events" rows={6} />}
        {events !== null &&
          (events.length === 0 ? (
            <div className="empty card">
              <p>No events match.</p>
            </div>
          ) : (
            <DataTable columns={['When', 'Actor', 'Action', 'Target', 'Details']}>
              {events.map((e) => (
                <tr key={e.id}>
                  <td>
                    <Time value={e.at} />
                  </td>
                  <td title={e.actor}>{e.actorName ?? <span className="mono">{e.actor}</span>}</td>
                  <th scope="row" className="mono">
                    {e.action}
                  </th>
                  <td className="mono">{e.target}</td>
                  <td>
                    <details>
                      <summary>Details</summary>
                      <pre className="code-block">{formatJson(e.details)}</pre>
                      <p className="hint mono">hash {e.hash.slice(0, 16)}…</p>
                    </details>
                  </td>
                </tr>
              ))}
            </DataTable>
          ))}
        {cursor && !refreshing && (
          <div className="form-actions section">
            <button type="button" className="button" onClick={() => void loadMore()} disabled={loadingMore} aria-busy={loadingMore || undefined}>
              Load more
            </button>
          </div>
        )}
      </section>
    </div>
  );
}
