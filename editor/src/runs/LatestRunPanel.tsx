import type { RunView } from '@weft/schemas';
import { useMemo, useState } from 'react';
import { formatDuration, formatJson } from '../format';
import { useAgentStore } from '../store/agent-store';
import { useRunStore } from '../store/run-store';
import { decideRun } from '../api/runs';
import { toError } from '../api/useResource';
import { Link } from '../Link';
import { hasRole } from '../operators/nav';
import { pathFor } from '../router';
import { useRole } from '../store/me-store';
import { Time } from '../Time';
import { agentActivity, conversationAnchor } from './agent-transcript';
import { NodeStatusBadge, RunStatusBadge } from './StatusBadge';
import { isFinalRunStatus } from './status';
import './runs.css';

interface LatestRunPanelProps {
  readonly loading: boolean;
  readonly error: string | null;
}

/** Side panel with the workflow's latest run: status, times, output, error and each node. */
export function LatestRunPanel({ loading, error }: LatestRunPanelProps) {
  const run = useRunStore((s) => s.run);

  return (
    <aside className="run-panel" aria-labelledby="run-panel-title">
      <h2 id="run-panel-title">Latest run</h2>
      {error && (
        <p className="notice notice--danger" role="alert">
          {error}
        </p>
      )}
      {run ? <RunDetails run={run} /> : loading ? <p className="muted">Loading…</p> : <p className="muted">No runs yet</p>}
    </aside>
  );
}

function RunDetails({ run }: { readonly run: RunView }) {
  const final = isFinalRunStatus(run.status);
  const took = formatDuration(run.startedAt ?? run.createdAt, run.finishedAt);

  return (
    <>
      <dl className="facts">
        <dt>Run</dt>
        <dd>
          <Link to={pathFor({ name: 'run', id: run.id })} className="run-id mono" title="Open the run: every node's input, output and timing">
            {run.id}
          </Link>
        </dd>
        <dt>Status</dt>
        <dd aria-live="polite">
          <RunStatusBadge status={run.status} testId="run-status" />
        </dd>
        <dt>Started</dt>
        <dd>
          <Time value={run.startedAt ?? run.createdAt} />
        </dd>
        <dt>Finished</dt>
        <dd>
          <Time value={run.finishedAt} />
          {took && <span className="muted"> ({took})</span>}
        </dd>
      </dl>

      <WaitingApprovals run={run} />
      <AgentLinks run={run} />

      {run.error && (
        <section className="run-section" aria-labelledby="run-error-title">
          <h3 id="run-error-title">Error</h3>
          <p className="notice notice--danger" data-testid="run-error">
            <strong>{run.error.type}</strong>: {run.error.message}
            {run.error.nodeId && <> (node <code>{run.error.nodeId}</code>)</>}
          </p>
        </section>
      )}

      <section className="run-section" aria-labelledby="run-output-title">
        <h3 id="run-output-title">Output</h3>
        {run.output === null || run.output === undefined ? (
          <p className="muted">{final ? 'No output' : 'The output appears when the run finishes.'}</p>
        ) : (
          <pre className="json" data-testid="run-output" tabIndex={0}>
            {formatJson(run.output)}
          </pre>
        )}
      </section>

      {run.nodes.length > 0 && (
        <section className="run-section" aria-labelledby="run-nodes-title">
          <h3 id="run-nodes-title">Nodes</h3>
          <ul className="node-runs">
            {run.nodes.map((node) => (
              <li key={node.id}>
                <code>{node.id}</code>
                <span className="node-runs__status">
                  {node.attempts > 1 && <span className="muted">{node.attempts} attempts</span>}
                  <NodeStatusBadge status={node.status} size="small" />
                </span>
                {node.error && <span className="node-runs__error">{node.error.message}</span>}
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}

/** The run's agents: what each is doing, a link to its transcript, and to Approvals when a call waits. */
function AgentLinks({ run }: { readonly run: RunView }) {
  const signals = useAgentStore((s) => (s.runId === run.id ? s.signals : null));
  const agents = useMemo(() => {
    if (!signals) return [];
    const all = Object.values(signals);
    const ids = [...new Set(all.filter((s) => !s.agent.includes('/')).map((s) => s.agent))];
    return ids.map((id) => ({ id, activity: agentActivity(all, id), waiting: all.some((s) => s.nodeId === id && s.status === 'waiting') }));
  }, [signals]);
  if (agents.length === 0) return null;
  return (
    <section className="run-section" aria-labelledby="run-agents-title">
      <h3 id="run-agents-title">Agents</h3>
      <ul className="node-runs">
        {agents.map((a) => (
          <li key={a.id}>
            <code>{a.id}</code>
            <span className="muted">{a.activity}</span>
            <span className="node-runs__status">
              {a.waiting && <Link to={pathFor({ name: 'approvals' })}>Approvals</Link>}
              <Link to={`${pathFor({ name: 'run', id: run.id })}#${conversationAnchor(a.id)}`}>Transcript</Link>
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Approve or reject, right here, each approval the run waits on (for those who may decide). */
function WaitingApprovals({ run }: { readonly run: RunView }) {
  const role = useRole();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // An approval node wired to an agent as a tool waits on a call: the inbox decides those.
  const waiting = run.nodes.filter((n) => n.status === 'waiting' && n.type === 'security.approval' && n.toolCalls === undefined);
  if (waiting.length === 0 || !role || !hasRole(role, 'operator')) return null;
  const decide = async (nodeId: string, approved: boolean) => {
    setBusy(true);
    setError(null);
    try {
      // The panel follows the run: the decision shows once the run moves on.
      await decideRun(run.id, approved, { nodeId });
    } catch (e) {
      setError(toError(e).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="run-section" aria-labelledby="run-waiting-title">
      <h3 id="run-waiting-title">Waiting for a decision</h3>
      {error && (
        <p className="notice notice--danger" role="alert">
          {error}
        </p>
      )}
      {waiting.map((n) => (
        <div key={n.id} className="actions">
          <code>{n.id}</code>
          <button type="button" className="button button--primary button--small" disabled={busy} onClick={() => void decide(n.id, true)}>
            Approve
          </button>
          <button type="button" className="button button--small" disabled={busy} onClick={() => void decide(n.id, false)}>
            Reject
          </button>
        </div>
      ))}
    </section>
  );
}
