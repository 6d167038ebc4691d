import { useId, useState } from 'react';
import { decideApproval, type PendingApproval } from '../api/operators';
import { ErrorNotice } from '../operators/ErrorNotice';
import { Loading } from '../operators/Loading';
import { RequireRole } from '../operators/RequireRole';
import { useAction } from '../operators/useAction';
import { ApprovalWhere } from '../runs/ApprovalWhere';
import { CallApproval } from '../runs/CallApproval';
import { useApprovalsPolling, useApprovalsStore } from '../store/approvals-store';
import { LoadError } from './LoadError';

/** How often the inbox looks for new approvals. */
const REFRESH_MS = 3000;

/** The approvals inbox: every run waiting at an approval node or on an agent's tool call, to approve (a call with edited arguments) or reject with a comment. */
export function ApprovalsPage() {
  return (
    <RequireRole role="operator" title="Approvals">
      <ApprovalsContent />
    </RequireRole>
  );
}

function ApprovalsContent() {
  useApprovalsPolling(true, REFRESH_MS);
  const items = useApprovalsStore((s) => s.items);
  const error = useApprovalsStore((s) => s.error);
  const reload = () => void useApprovalsStore.getState().refresh();
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
            <p className="muted">Runs that reach an approval step, and agents&apos; tool calls that need a person, appear here.</p>
          </div>
        ) : (
          <ul className="plain-list" aria-label="Waiting approvals">
            {items.map((a) => {
              const onDecided = (approved: boolean) => {
                setDecided(`${approved ? 'Approved' : 'Rejected'} ${a.title} of ${a.workflowName}`);
                reload();
              };
              return (
                <li key={`${a.runId}:${a.call?.key ?? a.nodeId}`}>
                  {a.call ? <CallApproval approval={a} call={a.call} onDecided={onDecided} /> : <ApprovalCard approval={a} onDecided={onDecided} />}
                </li>
              );
            })}
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
      <ApprovalWhere
        approval={approval}
        what={
          <>
            step <code>{approval.nodeId}</code>
          </>
        }
      />
      {approval.description && <p className="approval__text">{approval.description}</p>}
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
