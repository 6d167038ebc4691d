import type { RunView } from '@weft/schemas';
import { formatDuration, formatJson } from '../format';
import { useRunStore } from '../store/run-store';
import { Time } from '../Time';
import { NodeStatusBadge, RunStatusBadge } from './StatusBadge';
import { isFinalRunStatus } from './status';

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
          <code className="run-id">{run.id}</code>
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
