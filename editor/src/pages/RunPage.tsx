import type { RunTotals } from '@weft/schemas';
import { useMemo } from 'react';
import { formatCost, formatCount, formatJson } from '../format';
import { Link } from '../Link';
import { useWorkflowNames, WorkflowName } from '../operators/WorkflowSelect';
import { pathFor } from '../router';
import { toolUse } from '../runs/agent-transcript';
import { AgentTranscripts } from '../runs/AgentTranscript';
import { RunActions } from '../runs/RunActions';
import { AnswerView, httpAnswer, JsonValue, RequestView } from '../runs/NodeIo';
import { RunTimeline } from '../runs/RunTimeline';
import { NodeStatusBadge, RunStatusBadge } from '../runs/StatusBadge';
import { isFinalRunStatus } from '../runs/status';
import { compensationOrder } from '../runs/timeline';
import { useLiveRun } from '../runs/useLiveRun';
import { useAgentStore } from '../store/agent-store';
import { Time } from '../Time';
import '../runs/runs.css';

/** One run: its facts (LLM tokens and cost among them), actions, its agents' transcripts, the node timeline and what the rollback undid. */
export function RunPage({ id }: { readonly id: string }) {
  const { run, error, live, reload } = useLiveRun(id);
  const steps = useAgentStore((s) => (s.runId === id ? s.steps : null));
  const tools = useMemo(() => (steps ? toolUse(steps) : undefined), [steps]);
  const workflowNames = useWorkflowNames();

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
              <WorkflowName id={run.workflowId} names={workflowNames} /> version {run.version}
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
            {run.totals && <Totals totals={run.totals} />}
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
            <JsonValue label="Run input" value={run.input} />
            <h3>Output</h3>
            {run.output === null || run.output === undefined ? <p className="muted">No output</p> : <pre className="json" data-testid="run-output" tabIndex={0}>{formatJson(run.output)}</pre>}
          </section>
          <AgentTranscripts runId={run.id} final={isFinalRunStatus(run.status)} />
          <RunTimeline run={run} tools={tools} />
        </>
      )}
    </div>
  );
}

/** Tokens and cost of the run's LLM calls, as two facts. */
function Totals({ totals }: { readonly totals: RunTotals }) {
  return (
    <>
      <dt>LLM tokens</dt>
      <dd data-testid="run-tokens">
        {totals.llmCalls === 0 ? (
          <span className="muted">None: no LLM calls</span>
        ) : (
          <>
            {formatCount(totals.inputTokens + totals.outputTokens, 'token')}{' '}
            <span className="muted">
              ({formatCount(totals.inputTokens, 'token')} in, {formatCount(totals.outputTokens, 'token')} out, over {formatCount(totals.llmCalls, 'call')})
            </span>
          </>
        )}
      </dd>
      <dt>LLM cost</dt>
      <dd data-testid="run-cost">{formatCost(totals.costUsd)}</dd>
    </>
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
            <UndoExchange node={n} />
          </li>
        ))}
      </ol>
    </section>
  );
}

/** The undo request a node sent during rollback, next to the answer it got. */
function UndoExchange({ node }: { readonly node: ReturnType<typeof compensationOrder>[number] }) {
  const undo = node.compensation!;
  const answer = httpAnswer(undo.output) ?? httpAnswer(undo.error?.details);
  if (!undo.request && (undo.output === null || undo.output === undefined) && !answer) return null;
  return (
    <div className="node-io" data-testid={`undo-${node.id}`}>
      <section className="node-io__side" aria-label={`Undo request of ${node.id}`}>
        <h3 className="node-io__title">Undo request</h3>
        {undo.request ? <RequestView label={`Undo request of ${node.id}`} request={undo.request} /> : <p className="muted">None sent</p>}
      </section>
      <section className="node-io__side" aria-label={`Answer to the undo of ${node.id}`}>
        <h3 className="node-io__title">Answer</h3>
        {answer ? <AnswerView label={`Answer to the undo of ${node.id}`} answer={answer} /> : <JsonValue label={`What the undo of ${node.id} returned`} value={undo.output} />}
      </section>
    </div>
  );
}
