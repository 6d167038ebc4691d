import type { RunView } from '@weft/schemas';
import { useId, useState } from 'react';
import { cancelRun, decideRun, rerunFrom, type RerunPlan } from '../api/runs';
import { describeError } from '../api/useResource';
import { Link } from '../Link';
import { navigate, pathFor } from '../router';
import { isFinalRunStatus } from './status';
import './runs.css';

/** The node type a person approves or rejects. */
const APPROVAL_TYPE = 'security.approval';

/** Cancel, approve or reject, and re-run from a node after seeing what that would do. */
export function RunActions({ run, onChanged }: { readonly run: RunView; readonly onChanged: () => void }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // Approval nodes are decided here; a tool of an agent waits on a call, decided in the inbox.
  const waiting = run.nodes.filter((n) => n.status === 'waiting' && n.type === APPROVAL_TYPE && n.toolCalls === undefined);
  const waitingCalls = run.nodes.filter((n) => n.status === 'waiting' && n.toolCalls !== undefined);
  const final = isFinalRunStatus(run.status);

  const act = async (what: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await what();
      onChanged();
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="section run-actions" aria-labelledby="run-actions-title">
      <h2 id="run-actions-title">Actions</h2>
      {error && (
        <p className="notice notice--danger" role="alert">
          {error}
        </p>
      )}
      <div className="actions">
        {!final && (
          <button type="button" className="button button--danger" disabled={busy} onClick={() => void act(() => cancelRun(run.id))}>
            Cancel run
          </button>
        )}
        {waiting.map((n) => (
          <span key={n.id} className="actions">
            <button type="button" className="button button--primary" disabled={busy} onClick={() => void act(() => decideRun(run.id, true, { nodeId: n.id }))}>
              Approve {n.id}
            </button>
            <button type="button" className="button" disabled={busy} onClick={() => void act(() => decideRun(run.id, false, { nodeId: n.id }))}>
              Reject {n.id}
            </button>
          </span>
        ))}
        {waitingCalls.length > 0 && (
          <Link to={pathFor({ name: 'approvals' })} className="button">
            Decide on the waiting tool call{waitingCalls.length === 1 ? '' : 's'} in Approvals
          </Link>
        )}
      </div>
      {final && <Rerun run={run} />}
    </section>
  );
}

function Rerun({ run }: { readonly run: RunView }) {
  const id = useId();
  const [fromNode, setFromNode] = useState(run.nodes[0]?.id ?? '');
  const [plan, setPlan] = useState<RerunPlan | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const go = async (dryRun: boolean) => {
    setBusy(true);
    setError(null);
    try {
      const answer = await rerunFrom(run.id, fromNode, dryRun);
      if (dryRun) setPlan(answer);
      else if (answer.runId) navigate(pathFor({ name: 'run', id: answer.runId }));
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="rerun">
      <h3>Re-run from a node</h3>
      <div className="actions">
        <label htmlFor={`${id}-node`}>From node</label>
        <select
          id={`${id}-node`}
          value={fromNode}
          onChange={(e) => {
            setFromNode(e.target.value);
            setPlan(null);
          }}
        >
          {run.nodes.map((n) => (
            <option key={n.id} value={n.id}>
              {n.id}
            </option>
          ))}
        </select>
        <button type="button" className="button" disabled={busy || !fromNode} onClick={() => void go(true)}>
          Preview re-run
        </button>
      </div>
      {error && (
        <p className="notice notice--danger" role="alert">
          {error}
        </p>
      )}
      {plan && (
        <div className="card rerun__plan" aria-live="polite" data-testid="rerun-plan">
          <p>
            Re-running from <code>{plan.fromNode}</code> on version {plan.version}:
          </p>
          <dl className="facts">
            <dt>Runs again</dt>
            <dd>{plan.rerun.length ? plan.rerun.join(', ') : 'nothing'}</dd>
            <dt>Reused</dt>
            <dd>{plan.reused.length ? plan.reused.join(', ') : 'nothing'}</dd>
            <dt>Side effects</dt>
            <dd>{plan.sideEffects.length ? <strong>⚠ {plan.sideEffects.join(', ')} act again on the outside world</strong> : 'none'}</dd>
          </dl>
          <div className="actions">
            <button type="button" className="button button--primary" disabled={busy} onClick={() => void go(false)}>
              Confirm re-run
            </button>
            <button type="button" className="button" onClick={() => setPlan(null)}>
              Cancel
            </button>
          </div>
        </div>
      )}
    </div>
  );
}
