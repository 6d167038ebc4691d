import type { AgentCallApproval, AgentStep, NodeStatus } from '@weft/schemas';
import { useEffect, useId, useMemo, useRef } from 'react';
import { formatCost, formatCount } from '../format';
import { Link } from '../Link';
import { pathFor } from '../router';
import { useAgentStore } from '../store/agent-store';
import { Time } from '../Time';
import { conversationAnchor, conversations, type CallView, type Conversation, type TurnView } from './agent-transcript';
import { JsonValue } from './NodeIo';
import { NodeStatusBadge } from './StatusBadge';
import { useTranscript } from './useAgentFeed';
import '../agents.css';
import './runs.css';

const NO_STEPS: readonly AgentStep[] = [];
const NO_TEXTS: Readonly<Record<string, string>> = {};

const seconds = (ms: number) => (ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`);

/**
 * The run's agents, each conversation turn by turn: what the model wrote (growing while it
 * writes), each tool call with its arguments and result or error, decisions on calls that needed
 * approval, tokens and cost. Kept fresh from the run's events while the run is on; an agent
 * called as a tool is shown inside the call.
 */
export function AgentTranscripts({ runId, final }: { readonly runId: string; readonly final: boolean }) {
  const error = useTranscript(runId, final);
  const steps = useAgentStore((s) => (s.runId === runId ? s.steps : NO_STEPS));
  const texts = useAgentStore((s) => (s.runId === runId ? s.texts : NO_TEXTS));
  const list = useMemo(() => conversations(steps, texts), [steps, texts]);
  useScrollToHash(list.length > 0);
  if (list.length === 0 && !error) return null;
  return (
    <section className="section" aria-labelledby="agents-title" data-testid="agent-transcripts">
      <h2 id="agents-title">Agents</h2>
      {error && (
        <p className="notice notice--danger" role="alert">
          {error}
        </p>
      )}
      {list.map((c) => (
        <ConversationView key={c.agent} conversation={c} />
      ))}
    </section>
  );
}

/** Scrolls to the element the address's `#…` names, once, when it is there (a link from the approvals inbox). */
function useScrollToHash(ready: boolean): void {
  const done = useRef(false);
  useEffect(() => {
    if (!ready || done.current) return;
    const hash = decodeURIComponent(window.location.hash.slice(1));
    const target = hash ? document.getElementById(hash) : null;
    if (!target) return;
    done.current = true;
    target.scrollIntoView({ block: 'start' });
  }, [ready]);
}

const STATE_STATUS: Readonly<Record<Conversation['state'], NodeStatus>> = { running: 'running', waiting: 'waiting', failed: 'failed', done: 'succeeded' };

/** One conversation: what it was asked, its turns and its totals. */
export function ConversationView({ conversation: c, nested = false }: { readonly conversation: Conversation; readonly nested?: boolean }) {
  const headingId = useId();
  const t = c.totals;
  const Heading = nested ? 'h4' : 'h3';
  return (
    <article className={`transcript${nested ? ' transcript--nested' : ' card'}`} id={conversationAnchor(c.agent)} aria-labelledby={headingId} data-testid={`transcript-${c.agent}`}>
      <header className="transcript__head">
        <Heading id={headingId}>
          Agent <code>{c.nodeId}</code>
          {nested && <span className="muted"> (called as a tool)</span>}
        </Heading>
        <NodeStatusBadge status={STATE_STATUS[c.state]} size="small" />
      </header>
      <p className="transcript__totals muted" data-testid={`transcript-totals-${c.agent}`}>
        {formatCount(t.turns, 'turn')} · {formatCount(t.toolCalls, 'tool call')} · {formatCount(t.inputTokens + t.outputTokens, 'token')} ({formatCount(t.inputTokens, 'token')} in, {formatCount(t.outputTokens, 'token')} out) · {formatCost(t.costUsd)}
      </p>
      {c.task && (
        <details className="fold">
          <summary>Task, instructions and tools</summary>
          {c.task.instructions && (
            <>
              <p className="transcript__label">Instructions</p>
              <pre className="json prompt-text">{c.task.instructions}</pre>
            </>
          )}
          <p className="transcript__label">Task</p>
          <pre className="json prompt-text">{c.task.task}</pre>
          <p className="transcript__label">Tools offered</p>
          {c.task.tools.length === 0 ? (
            <p className="muted">None</p>
          ) : (
            <ul className="tool-list">
              {c.task.tools.map((tool) => (
                <li key={tool.name}>
                  <code>{tool.name}</code> <span className="muted">(node {tool.node})</span>
                  {tool.description && <span className="tool-list__description">{tool.description}</span>}
                </li>
              ))}
            </ul>
          )}
        </details>
      )}
      {c.turns.length === 0 ? (
        <p className="muted">{c.state === 'done' ? 'No turns.' : 'Starting…'}</p>
      ) : (
        <ol className="transcript__turns">
          {c.turns.map((turn) => (
            <TurnItem key={turn.turn} agent={c.agent} turn={turn} />
          ))}
        </ol>
      )}
    </article>
  );
}

function TurnItem({ agent, turn }: { readonly agent: string; readonly turn: TurnView }) {
  const d = turn.data;
  const failed = turn.step?.status === 'failed';
  const error = failed ? (d as { error?: { type: string; message: string } } | undefined)?.error : undefined;
  return (
    <li className="transcript__turn" data-testid={`turn-${agent}-${turn.turn}`} data-status={turn.step?.status}>
      <div className="transcript__turn-head">
        <strong>Turn {turn.turn}</strong>
        {turn.streaming && <NodeStatusBadge status="running" size="small" />}
        {failed && <NodeStatusBadge status="failed" size="small" />}
        {d && !turn.streaming && d.model && (
          <span className="muted" data-testid={`turn-figures-${agent}-${turn.turn}`}>
            {d.provider}/{d.model} · {formatCount(d.inputTokens, 'token')} in, {formatCount(d.outputTokens, 'token')} out · {formatCost(d.costUsd)} · {seconds(d.latencyMs)}
          </span>
        )}
      </div>
      {turn.final && <p className="transcript__label">Final answer</p>}
      {turn.text ? (
        <p className={`transcript__text${turn.streaming ? ' transcript__text--streaming' : ''}${turn.final ? ' transcript__text--final' : ''}`} data-testid={`turn-text-${agent}-${turn.turn}`} aria-live={turn.streaming ? 'off' : undefined}>
          {turn.text}
        </p>
      ) : (
        turn.streaming && <p className="muted transcript__text">Thinking…</p>
      )}
      {error && (
        <p className="transcript__error">
          <strong>{error.type}</strong>: {error.message}
        </p>
      )}
      {turn.calls.length > 0 && (
        <ol className="transcript__calls" aria-label={`Tool calls of turn ${turn.turn}`}>
          {turn.calls.map((call) => (
            <CallItem key={call.step.part} agent={agent} call={call} proposed={d?.toolCalls.find((x) => x.id === call.data.callId)?.arguments} />
          ))}
        </ol>
      )}
      {turn.reasks.map((m, i) => (
        <p key={i} className="transcript__reask muted">
          Asked again: {m}
        </p>
      ))}
    </li>
  );
}

const CALL_STATUS: Readonly<Record<AgentStep['status'], NodeStatus>> = { running: 'running', waiting: 'waiting', succeeded: 'succeeded', failed: 'failed', rejected: 'skipped' };

function CallItem({ agent, call, proposed }: { readonly agent: string; readonly call: CallView; readonly proposed: Readonly<Record<string, unknown>> | undefined }) {
  const { step, data } = call;
  const label = `${data.name} (turn ${step.turn}, call ${step.part})`;
  return (
    <li className="transcript__call" data-status={step.status} data-testid={`call-${agent}-${step.turn}-${step.part}`}>
      <div className="transcript__call-head">
        <span>
          Called <code>{data.name}</code>
          {data.tool && data.tool !== data.name && <span className="muted"> (node {data.tool})</span>}
        </span>
        {step.status === 'rejected' ? <span className="badge badge--danger badge--small">Refused</span> : <NodeStatusBadge status={CALL_STATUS[step.status]} size="small" />}
      </div>
      <div className="transcript__io">
        <div>
          <p className="transcript__label">Arguments{data.approval?.status === 'edited' ? ' (as the approver edited them)' : ''}</p>
          <JsonValue label={`Arguments of ${label}`} value={data.arguments} />
          {data.approval?.status === 'edited' && proposed && (
            <>
              <p className="transcript__label">The model proposed</p>
              <JsonValue label={`Arguments the model proposed for ${label}`} value={proposed} />
            </>
          )}
        </div>
        {step.status === 'succeeded' && !call.nested && (
          <div>
            <p className="transcript__label">Result</p>
            <JsonValue label={`Result of ${label}`} value={data.output ?? null} />
          </div>
        )}
      </div>
      {data.approval && <ApprovalLine approval={data.approval} />}
      {call.nested && (
        <details className="fold" open>
          <summary>
            Conversation of <code>{call.nested.nodeId}</code> <span className="muted">({formatCount(call.nested.totals.turns, 'turn')})</span>
          </summary>
          <ConversationView conversation={call.nested} nested />
        </details>
      )}
      {data.error && (
        <p className="transcript__error" data-testid={`call-error-${agent}-${step.turn}-${step.part}`}>
          <strong>{data.error.type}</strong>: {data.error.message}
        </p>
      )}
    </li>
  );
}

/** Who decided on a call, when and why; or that it still waits. */
function ApprovalLine({ approval: a }: { readonly approval: AgentCallApproval }) {
  if (a.status === 'waiting') {
    return (
      <p className="transcript__approval">
        <span className="badge badge--warning badge--small">Waiting for approval</span> {a.reason}. <Link to={pathFor({ name: 'approvals' })}>Decide in Approvals</Link>
      </p>
    );
  }
  const what = { approved: 'Approved', edited: 'Approved with edited arguments', rejected: 'Rejected', timed_out: 'Nobody decided in time: refused' }[a.status];
  return (
    <p className={`transcript__approval${a.status === 'rejected' || a.status === 'timed_out' ? ' transcript__error' : ''}`} data-testid="call-approval">
      {what}
      {a.by && <> by {a.by}</>}
      {a.at && (
        <>
          {' '}
          at <Time value={a.at} />
        </>
      )}
      {a.comment && <>: “{a.comment}”</>} <span className="muted">(asked because {a.reason})</span>
    </p>
  );
}
