import { formatJson } from '../format';
import { Link } from '../Link';
import { pathFor } from '../router';
import { RunActions } from '../runs/RunActions';
import { Collapsible, RunTimeline } from '../runs/RunTimeline';
import { NodeStatusBadge, RunStatusBadge } from '../runs/StatusBadge';
import { compensationOrder } from '../runs/timeline';
import { useLiveRun } from '../runs/useLiveRun';
import { Time } from '../Time';

/** One run: its facts, actions, the node timeline and what the rollback undid. */
export function RunPage({ id }: { readonly id: string }) {
  const { run, error, live, reload } = useLiveRun(id);

  return (
    <div className="page run-page">
      <title>{`Run ${id} · Weft`}</title>
      <div className="page-head">
        <h1>
          Run <code>{id}</code>
        </h1>
        <Link to={pathFor({ name: 'runs' })}>All runs</Link>
      </div>
      {error && (
        <p className="notice notice--danger" role="alert">
          {error}
        </p>
      )}
      {!run ? (
        !error && <p className="muted">Loading run…</p>
      ) : (
        <>
          <dl className="facts">
            <dt>Status</dt>
            <dd aria-live="polite">
              <RunStatusBadge status={run.status} testId="run-status" /> {live && <span className="muted">(live)</span>}
            </dd>
            <dt>Workflow</dt>
            <dd>
              <Link to={pathFor({ name: 'workflow', id: run.workflowId })}>{run.workflowId}</Link> version {run.version}
            </dd>
            <dt>Trigger</dt>
            <dd data-testid="run-trigger">
              {run.trigger ? run.trigger.type : 'manual'}
              {run.trigger?.ref && (
                <>
                  {' '}
                  <code>{run.trigger.ref}</code>
                </>
              )}
            </dd>
            <dt>Created</dt>
            <dd>
              <Time value={run.createdAt} />
            </dd>
            <dt>Finished</dt>
            <dd>
              <Time value={run.finishedAt} />
            </dd>
          </dl>
          {run.error && (
            <p className="notice notice--danger" data-testid="run-error">
              <strong>{run.error.type}</strong>: {run.error.message}
              {run.error.nodeId && (
                <>
                  {' '}
                  (node <code>{run.error.nodeId}</code>)
                </>
              )}
            </p>
          )}
          <RunActions run={run} onChanged={reload} />
          <Compensations run={run} />
          <section className="section" aria-labelledby="run-io-title">
            <h2 id="run-io-title">Input and output</h2>
            <h3>Input</h3>
            <Collapsible label="Run input" value={run.input} />
            <h3>Output</h3>
            {run.output === null || run.output === undefined ? <p className="muted">No output</p> : <pre className="json" data-testid="run-output" tabIndex={0}>{formatJson(run.output)}</pre>}
          </section>
          <RunTimeline run={run} />
        </>
      )}
    </div>
  );
}

function Compensations({ run }: { readonly run: Parameters<typeof compensationOrder>[0] }) {
  const undone = compensationOrder(run);
  if (undone.length === 0) return null;
  return (
    <section className="section" aria-labelledby="compensation-title">
      <h2 id="compensation-title">Rolled back</h2>
      <p className="muted">In the order they were undone: the most recently completed first.</p>
      <ol className="compensations" data-testid="compensations">
        {undone.map((n) => (
          <li key={n.id} data-testid="compensated-node" data-node={n.id}>
            <code>{n.id}</code> <NodeStatusBadge status={n.status} size="small" /> undo {n.compensation!.status}
            {n.compensation!.attempts > 1 && ` after ${n.compensation!.attempts} attempts`}
            {n.compensation!.finishedAt && (
              <>
                {' '}
                at <Time value={n.compensation!.finishedAt} />
              </>
            )}
            {n.compensation!.error && <span className="node-runs__error"> {n.compensation!.error.message}</span>}
          </li>
        ))}
      </ol>
    </section>
  );
}
