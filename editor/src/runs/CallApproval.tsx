import { lazy, Suspense, useId, useState } from 'react';
import { decideApproval, type PendingApproval } from '../api/operators';
import { Link } from '../Link';
import { ErrorNotice } from '../operators/ErrorNotice';
import { useAction } from '../operators/useAction';
import { pathFor } from '../router';
import { conversationAnchor } from './agent-transcript';
import { ApprovalWhere } from './ApprovalWhere';
import '../agents.css';

const CodeEditor = lazy(() => import('../inspector/CodeEditor'));
const NO_UPSTREAM = () => [];

/** A tool call an agent waits on, as the approvals list gives it. */
export type PendingCall = NonNullable<PendingApproval['call']>;

/** What the edited arguments are: an object to run the tool with, the model's own, or text that is not one yet. */
export function readArguments(text: string, proposed: Readonly<Record<string, unknown>>): { readonly ok: true; readonly value: Record<string, unknown>; readonly changed: boolean } | { readonly ok: false; readonly problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, problem: `not JSON yet: ${(e as Error).message}` };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { ok: false, problem: 'the arguments must be a JSON object, like { "name": "value" }' };
  return { ok: true, value: value as Record<string, unknown>, changed: JSON.stringify(value) !== JSON.stringify(proposed) };
}

/**
 * An agent's tool call waiting for a person: the tool, why it asks, its arguments in a JSON editor
 * (editable), a link to the conversation so far; approve it as proposed or with the edited
 * arguments, or reject it with a message the model reads.
 */
export function CallApproval({ approval, call, onDecided }: { readonly approval: PendingApproval; readonly call: PendingCall; readonly onDecided: (approved: boolean) => void }) {
  const proposedText = JSON.stringify(call.arguments, null, 2);
  const [text, setText] = useState(proposedText);
  const [comment, setComment] = useState('');
  const { pending, error, run } = useAction();
  const headingId = useId();
  const argsId = useId();
  const commentId = useId();
  const read = readArguments(text, call.arguments);

  async function decide(approved: boolean, edited: boolean) {
    const args = edited && read.ok ? read.value : undefined;
    const ok = await run(() => decideApproval(approval.runId, { approved, nodeId: approval.nodeId, call: call.key, ...(args ? { arguments: args } : {}), comment: comment.trim() }));
    if (ok) onDecided(approved);
  }

  return (
    <article className="approval card call-approval" aria-labelledby={headingId} data-testid={`approval-${approval.runId}`} data-call={call.key}>
      <h2 id={headingId}>{approval.title}</h2>
      <ApprovalWhere
        approval={approval}
        what={
          <>
            agent <code>{call.agent}</code>, turn {call.turn}
          </>
        }
      />
      <dl className="facts call-approval__facts">
        <dt>Tool</dt>
        <dd>
          <code>{call.tool}</code> <span className="muted">(node {call.toolNode})</span>
        </dd>
        <dt>Why it asks</dt>
        <dd className="approval__text">{call.reason}</dd>
        <dt>Conversation</dt>
        <dd>
          <Link to={`${pathFor({ name: 'run', id: approval.runId })}#${conversationAnchor(call.agent)}`}>Read the conversation so far</Link>
        </dd>
      </dl>
      <div className="field call-approval__args">
        <label htmlFor={argsId}>Arguments</label>
        <Suspense fallback={<textarea id={argsId} className="code-fallback" value={text} onChange={(e) => setText(e.target.value)} rows={Math.min(12, text.split('\n').length + 1)} />}>
          <CodeEditor value={text} onChange={setText} language="json" id={argsId} ariaLabel={`Arguments of ${call.tool}`} describedBy={`${argsId}-help`} upstream={NO_UPSTREAM} />
        </Suspense>
        <p id={`${argsId}-help`} className={read.ok ? 'field__help' : 'field__problems'} aria-live="polite">
          {!read.ok ? `Cannot run with these: ${read.problem}` : read.changed ? 'Edited: “Approve with edited arguments” runs the tool with these instead of the model’s.' : 'As the model proposed them; edit to run the tool with other values.'}
        </p>
      </div>
      <div className="field">
        <label htmlFor={commentId}>Comment (optional; when you reject, the agent reads it)</label>
        <textarea id={commentId} value={comment} onChange={(e) => setComment(e.target.value)} maxLength={5000} rows={2} placeholder="e.g. Book for 12 people, not 15" />
      </div>
      <ErrorNotice error={error} />
      <div className="form-actions">
        <button type="button" className="button button--primary" disabled={pending} onClick={() => void decide(true, false)} title="Run the tool with the arguments the model proposed">
          Approve
        </button>
        <button type="button" className="button" disabled={pending || !read.ok || !read.changed} onClick={() => void decide(true, true)} title={read.ok && read.changed ? 'Run the tool with the arguments as edited above' : 'Edit the arguments first'}>
          Approve with edited arguments
        </button>
        <button type="button" className="button button--danger" disabled={pending} onClick={() => void decide(false, false)} title="Do not run the tool; the agent is told, with your comment">
          Reject
        </button>
      </div>
    </article>
  );
}
