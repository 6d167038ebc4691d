import type { NodeRunView, RunView } from '@weft/schemas';
import { useEffect, useState } from 'react';
import { formatCost, formatCount } from '../format';
import { Time } from '../Time';
import { conversationAnchor, type ToolUse } from './agent-transcript';
import { NodeInputOutput, PromptView, RequestView, RouteView } from './NodeIo';
import { NodeStatusBadge } from './StatusBadge';
import { isFinalRunStatus, lostAttemptsText, nodeStatusLook, nodeStatusText } from './status';
import { timelineBars } from './timeline';
import './runs.css';

/** Agents have a transcript on this page, which their row links to. */
const AGENT_TYPE = 'strategy.agent';

const seconds = (ms: number) => (ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`);

/**
 * Every node of a run on one time axis, with what it got, sent and gave, its error and its LLM
 * calls. The tools of agents (`tools`) ran only when called: their rows say so and point to the
 * transcript.
 */
export function RunTimeline({ run, tools }: { readonly run: RunView; readonly tools?: ReadonlyMap<string, ToolUse> }) {
  const now = useNow(!isFinalRunStatus(run.status));
  const { bars, spanMs } = timelineBars(run, run.nodes, now);
  const barOf = new Map(bars.map((b) => [b.id, b]));

  return (
    <section className="section" aria-labelledby="timeline-title">
      <h2 id="timeline-title">Timeline</h2>
      <p className="muted">Span: {seconds(spanMs)}</p>
      <ol className="timeline" data-testid="timeline">
        {run.nodes.map((node) => {
          if (node.toolCalls !== undefined || tools?.has(node.id)) return <ToolRow key={node.id} node={node} use={tools?.get(node.id)} />;
          const bar = barOf.get(node.id);
          return (
            <li key={node.id} className="timeline__row" data-testid={`timeline-${node.id}`} data-status={node.status}>
              <div className="timeline__head">
                <code>{node.id}</code>
                <span className="muted">{node.type}</span>
                <NodeStatusBadge status={node.status} size="small" />
                {nodeStatusText(node.status, node.attempts) !== nodeStatusLook(node.status).label && <span className="muted">{nodeStatusText(node.status, node.attempts)}</span>}
                {node.reused && <span className="badge badge--muted badge--small">Reused</span>}
                {node.type === AGENT_TYPE && node.startedAt && <a href={`#${conversationAnchor(node.id)}`}>Transcript</a>}
              </div>
              <div className="timeline__track" aria-hidden="true">
                {bar && <span className={`timeline__bar timeline__bar--${node.status}${bar.open ? ' timeline__bar--open' : ''}`} style={{ left: `${bar.left}%`, width: `${bar.width}%` }} />}
              </div>
              <p className="timeline__times muted">
                {node.startedAt ? (
                  <>
                    <Time value={node.startedAt} /> → {node.finishedAt ? <Time value={node.finishedAt} /> : 'still running'}
                    {bar?.durationMs != null && ` (${seconds(bar.durationMs)})`}
                  </>
                ) : (
                  'Did not start'
                )}
              </p>
              <NodeDetails node={node} />
            </li>
          );
        })}
      </ol>
    </section>
  );
}

/** A tool of an agent: how often the agent called it, and where to read the calls. */
function ToolRow({ node, use }: { readonly node: NodeRunView; readonly use: ToolUse | undefined }) {
  const calls = node.toolCalls ?? use?.calls ?? 0;
  const called = calls > 0;
  return (
    <li className="timeline__row" data-testid={`timeline-${node.id}`} data-status={called ? node.status : 'none'}>
      <div className="timeline__head">
        <code>{node.id}</code>
        <span className="muted">{node.type}</span>
        {called && <NodeStatusBadge status={node.status} size="small" />}
        <span className="badge badge--muted badge--small">{use ? `Tool of ${use.agent}` : 'Tool'}</span>
      </div>
      <p className="timeline__times muted">
        {called ? `Called ${calls === 1 ? 'once' : `${calls} times`}` : 'Not called'}
        {use && (
          <>
            {' '}
            by agent {use.agent}: <a href={`#${conversationAnchor(use.agent)}`}>see the calls in its transcript</a>
          </>
        )}
      </p>
    </li>
  );
}

function NodeDetails({ node }: { readonly node: NodeRunView }) {
  const lost = lostAttemptsText(node.lostAttempts);
  return (
    <div className="timeline__details">
      {lost && (
        <p className="notice notice--warning" data-testid={`lost-${node.id}`}>
          {lost}.
        </p>
      )}
      {node.error && (
        <p className="notice notice--danger">
          <strong>{node.error.type}</strong>: {node.error.message}
        </p>
      )}
      {node.route && <RouteView nodeId={node.id} route={node.route} />}
      <NodeInputOutput node={node} />
      {node.prompt && <PromptView nodeId={node.id} prompt={node.prompt} />}
      {node.request && (
        <section className="node-sent" aria-label={`Request ${node.id} sent`}>
          <h3 className="node-io__title">Request sent</h3>
          <RequestView label={`Request ${node.id} sent`} request={node.request} />
        </section>
      )}
      {node.llm && node.llm.length > 0 && <LlmCalls node={node} />}
    </div>
  );
}

function LlmCalls({ node }: { readonly node: NodeRunView }) {
  const calls = node.llm ?? [];
  const total = calls.reduce((s, c) => ({ tokens: s.tokens + c.inputTokens + c.outputTokens, cost: s.cost + c.costUsd }), { tokens: 0, cost: 0 });
  return (
    <div className="table-wrap">
      <table className="table table--compact">
        <caption>
          LLM calls of {node.id}: {formatCount(total.tokens, 'token')}, {formatCost(total.cost)}
        </caption>
        <thead>
          <tr>
            <th scope="col">Attempt</th>
            <th scope="col">Provider</th>
            <th scope="col">Model</th>
            <th scope="col" className="num">Tokens in</th>
            <th scope="col" className="num">Tokens out</th>
            <th scope="col" className="num">Cost</th>
            <th scope="col" className="num">Latency</th>
            <th scope="col">Error</th>
          </tr>
        </thead>
        <tbody>
          {calls.map((c, i) => (
            <tr key={i}>
              <td>{c.attempt}</td>
              <td>{c.provider}</td>
              <td>{c.model}</td>
              <td className="num">{c.inputTokens}</td>
              <td className="num">{c.outputTokens}</td>
              <td className="num">{formatCost(c.costUsd)}</td>
              <td className="num">{seconds(c.latencyMs)}</td>
              <td>{c.error ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function useNow(ticking: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!ticking) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [ticking]);
  return now;
}
