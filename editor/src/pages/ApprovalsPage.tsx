import { useCallback, useEffect, useId, useRef, useState } from 'react';
import type { WorkflowView } from '@weft/schemas';
import { getWorkflow } from '../api/client';
import { decideApproval, getRunView, listRecentRuns } from '../api/operators';
import { toError } from '../api/useResource';
import { Link } from '../Link';
import { pendingApprovals, type PendingApproval } from '../operators/approvals';
import { ErrorNotice } from '../operators/ErrorNotice';
import { Loading } from '../operators/Loading';
import { RequireRole } from '../operators/RequireRole';
import { useAction } from '../operators/useAction';
import { pathFor } from '../router';
import { Time } from '../Time';
import { LoadError } from './LoadError';

/** How often the inbox looks for new approvals. */
const REFRESH_MS = 3000;

/** The approvals inbox: every run waiting at an approval node, to approve or reject with a comment. */
export function ApprovalsPage() {
  return (
    <RequireRole role="operator" title="Approvals">
      <ApprovalsContent />
    </RequireRole>
  );
}

function ApprovalsContent() {
  const { items, error, reload } = useInbox();
  const [decided, setDecided] = useState<string | null>(null);

  return (
    <div className="page">
      <title>Approvals · Weft</title>
      <div className="page-head">
        <h1>Approvals</h1>
        <button type="button" className="button" onClick={reload}>
          Refresh
        </button>
      </div>
      <p className="visually-hidden" role="status" aria-live="polite">
        {decided}
      </p>
      {error && items === null && <LoadError what="approvals" error={error} onRetry={reload} />}
      {items === null && !error && <Loading what="approvals" />}
      {items !== null &&
        (items.length === 0 ? (
          <div className="empty card">
            <p>Nothing waits for a decision.</p>
            <p className="muted">Runs that reach an approval step appear here.</p>
          </div>
        ) : (
          <ul className="plain-list" aria-label="Waiting approvals">
            {items.map((a) => (
              <li key={`${a.runId}:${a.nodeId}`}>
                <ApprovalCard
                  approval={a}
                  onDecided={(approved) => {
                    setDecided(`${approved ? 'Approved' : 'Rejected'} ${a.title} of ${a.workflowName}`);
                    reload();
                  }}
                />
              </li>
            ))}
          </ul>
        ))}
    </div>
  );
}

function ApprovalCard({ approval, onDecided }: { readonly approval: PendingApproval; readonly onDecided: (approved: boolean) => void }) {
  const [comment, setComment] = useState('');
  const { pending, error, run } = useAction();
  const commentId = useId();
  const headingId = useId();

  async function decide(approved: boolean) {
    const ok = await run(() => decideApproval(approval.runId, { approved, nodeId: approval.nodeId, comment: comment.trim() }));
    if (ok) onDecided(approved);
  }

  return (
    <article className="approval card" aria-labelledby={headingId} data-testid={`approval-${approval.runId}`}>
      <h2 id={headingId}>{approval.title}</h2>
      <p className="muted">
        <Link to={pathFor({ name: 'workflow', id: approval.workflowId })}>{approval.workflowName}</Link> · run{' '}
        <Link to={pathFor({ name: 'run', id: approval.runId })} className="mono">
          {approval.runId}
        </Link>{' '}
        · step <code>{approval.nodeId}</code> · waiting since <Time value={approval.waitingSince} />
      </p>
      {approval.description && <p>{approval.description}</p>}
      <div className="field">
        <label htmlFor={commentId}>Comment (optional)</label>
        <textarea id={commentId} value={comment} onChange={(e) => setComment(e.target.value)} maxLength={5000} rows={2} />
      </div>
      <ErrorNotice error={error} />
      <div className="form-actions">
        <button type="button" className="button button--primary" disabled={pending} onClick={() => void decide(true)}>
          Approve
        </button>
        <button type="button" className="button" disabled={pending} onClick={() => void decide(false)}>
          Reject
        </button>
      </div>
    </article>
  );
}

/**
 * The waiting approvals, refreshed every few seconds. Earlier results stay on screen while a
 * refresh is under way, so the list never blanks out.
 */
function useInbox(): { items: PendingApproval[] | null; error: Error | null; reload: () => void } {
  const [items, setItems] = useState<PendingApproval[] | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [tick, setTick] = useState(0);
  const workflows = useRef(new Map<string, Promise<WorkflowView | undefined>>());

  const reload = useCallback(() => setTick((n) => n + 1), []);

  useEffect(() => {
    const controller = new AbortController();
    const { signal } = controller;
    const workflowOf = (id: string) => {
      let found = workflows.current.get(id);
      if (!found) {
        // Not tied to this load's signal: the name is kept for later refreshes.
        found = getWorkflow(id).catch(() => {
          workflows.current.delete(id);
          return undefined;
        });
        workflows.current.set(id, found);
      }
      return found;
    };
    (async () => {
      const runs = (await listRecentRuns(500, { signal })).filter((r) => r.status === 'waiting');
      const views = await Promise.all(runs.map((r) => getRunView(r.id, { signal })));
      const all = await Promise.all(views.map(async (v) => pendingApprovals(v, await workflowOf(v.workflowId))));
      return all.flat();
    })().then(
      (found) => {
        if (signal.aborted) return;
        setItems(found);
        setError(null);
      },
      (e: unknown) => {
        if (!signal.aborted) setError(toError(e));
      },
    );
    const timer = window.setTimeout(reload, REFRESH_MS);
    return () => {
      controller.abort();
      window.clearTimeout(timer);
    };
  }, [tick, reload]);

  return { items, error, reload };
}
