import type { ReactNode } from 'react';
import type { PendingApproval } from '../api/operators';
import { Link } from '../Link';
import { pathFor } from '../router';
import { Time } from '../Time';

/** Where an approval waits and until when: the workflow, the run, what asks (`what`), since when and the deadline. */
export function ApprovalWhere({ approval, what }: { readonly approval: PendingApproval; readonly what: ReactNode }) {
  return (
    <p className="muted">
      <Link to={pathFor({ name: 'workflow', id: approval.workflowId })}>{approval.workflowName}</Link> · run{' '}
      <Link to={pathFor({ name: 'run', id: approval.runId })} className="mono">
        {approval.runId}
      </Link>{' '}
      · {what} · waiting since <Time value={approval.waitingSince} />
      {approval.deadline && (
        <>
          {' '}
          · decide by <Time value={approval.deadline} />
        </>
      )}
    </p>
  );
}
