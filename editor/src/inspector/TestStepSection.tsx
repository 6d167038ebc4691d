import { FINAL_RUN_STATUSES } from '@weft/schemas';
import { useId, useMemo, useState } from 'react';
import { formatJson } from '../format';
import { Link } from '../Link';
import { hasRole } from '../operators/nav';
import { pathFor } from '../router';
import { NodeStatusBadge } from '../runs/StatusBadge';
import { useDirty, useDocumentStore } from '../store/document-store';
import { useRole } from '../store/me-store';
import { resultKey, useSampleStore, type TestResult } from './sample-store';
import { planTestStep, runOutputOf, sampleInputOf, type SampleData, type SampleSource, type TestEdge } from './test-step';
import { runTestStep } from './test-step-runner';
import { useSampleData } from './useSampleData';
import './test-step.css';

const SOURCE_TEXT: Record<SampleSource, string> = { pinned: 'pinned output', run: 'latest run', typed: 'typed input', none: 'no sample: null' };

/**
 * "Test this step" in the node inspector: pin the node's output from the latest run, and run the
 * saved workflow up to this node with sample data (see test-step.ts for what is mocked).
 */
export function TestStepSection({ nodeId }: { readonly nodeId: string }) {
  const headingId = useId();
  const samples = useSampleData(nodeId);
  const { workflowId, data } = samples;
  const edges = useDocumentStore((s) => s.doc.edges);
  // Node ids only, as one string: the section does not re-render with every keystroke in a field.
  const ids = useDocumentStore((s) => s.doc.nodes.map((n) => n.id).join('\n'));
  const plan = useMemo(() => planTestStep({ nodes: ids.split('\n').map((id) => ({ id })), edges }, nodeId, data), [ids, edges, nodeId, data]);

  return (
    <section className="inspector__section test-step" aria-labelledby={headingId}>
      <h3 id={headingId}>Test this step</h3>
      {workflowId === null ? (
        <p className="muted">Save the workflow to test its steps.</p>
      ) : (
        <>
          <PinBlock workflowId={workflowId} nodeId={nodeId} data={data} />
          <RunStep workflowId={workflowId} nodeId={nodeId} plan={plan} edges={edges} samples={samples} />
        </>
      )}
    </section>
  );
}

/** This node's pinned output, or its output in the latest run with "Pin this output". */
function PinBlock({ workflowId, nodeId, data }: { readonly workflowId: string; readonly nodeId: string; readonly data: SampleData }) {
  const [note, setNote] = useState<string | null>(null);
  const pin = data.pins[nodeId];
  const ran = runOutputOf(data.run, nodeId);
  if (pin) {
    return (
      <div className="test-step__pin" data-testid="pinned-output">
        <p className="test-step__pin-title">
          <strong>Pinned output</strong>
          <span className="muted"> · from run {pin.runId ? <code>{pin.runId}</code> : 'data'}</span>
        </p>
        <p className="field__help">Later steps get this output when you test them, instead of running this node again. Kept in this browser.</p>
        {note && <p className="test-step__warning">{note}</p>}
        <pre className="json test-step__json" tabIndex={0}>
          {formatJson(pin.output)}
        </pre>
        <button
          type="button"
          className="button button--small"
          onClick={() => {
            setNote(null);
            useSampleStore.getState().unpin(workflowId, nodeId);
          }}
        >
          Remove pin
        </button>
      </div>
    );
  }
  if (!ran) return <p className="muted">{data.run ? 'This node has no output in the latest run to pin.' : 'No run yet: run the workflow to see and pin this node’s output.'}</p>;
  return (
    <div className="test-step__latest" data-testid="latest-output">
      <p className="field__help">Output in the latest run</p>
      <pre className="json test-step__json" tabIndex={0}>
        {formatJson(ran.output)}
      </pre>
      <button type="button" className="button button--small" onClick={() => setNote(pinOutput(workflowId, nodeId, ran.output, data.run?.id ?? null))}>
        Pin this output
      </button>
    </div>
  );
}

/** Pins an output; returns a note when the browser would not keep it. */
function pinOutput(workflowId: string, nodeId: string, output: unknown, runId: string | null): string | null {
  const kept = useSampleStore.getState().pin(workflowId, nodeId, { output, runId, at: new Date().toISOString() });
  return kept ? null : 'Too large to keep in this browser: pinned until the page is reloaded.';
}

function RunStep({
  workflowId,
  nodeId,
  plan,
  edges,
  samples,
}: {
  readonly workflowId: string;
  readonly nodeId: string;
  readonly plan: ReturnType<typeof planTestStep>;
  readonly edges: readonly TestEdge[];
  readonly samples: ReturnType<typeof useSampleData>;
}) {
  const whyId = useId();
  const dirty = useDirty();
  const role = useRole();
  const result = useSampleStore((s) => s.results[resultKey(workflowId, nodeId)]);
  const busy = result?.state === 'starting' || result?.state === 'running';
  // A run uses the latest saved version, so unsaved edits are not what would run. The editor does
  // not save for the person: a save is a new version that schedules and webhooks run from then on.
  const blocker = dirty
    ? 'Save first: a test run uses the latest saved version.'
    : role && !hasRole(role, 'operator')
      ? 'Starting runs needs the operator role.'
      : (plan.problem ?? (samples.typedError ? 'Fix the sample input first.' : null));

  return (
    <div className="test-step__run">
      <p className="field__help">
        Runs the saved workflow up to this node. Earlier nodes do not run again: they give their sample output. This node really runs; nodes after it do not.
      </p>
      {plan.upstream.length > 0 && (
        <ul className="test-step__sources" aria-label="Sample data of earlier nodes">
          {plan.upstream.map((u) => (
            <li key={u.id} data-source={u.source}>
              <code>{u.id}</code> <span className="muted">{SOURCE_TEXT[u.source]}</span>
            </li>
          ))}
        </ul>
      )}
      {plan.missing.length > 0 && (
        <p className="test-step__warning">
          No sample output for {plan.missing.join(', ')}: run the workflow, pin an output, or type this node’s input below.
        </p>
      )}
      {plan.stopped.length > 0 && (
        <p className="field__help">
          Not run: {plan.stopped.join(', ')} (the test stops there; the run shows {plan.stopped.length === 1 ? 'it' : 'them'} as reused, with no output).
        </p>
      )}
      <SampleInput workflowId={workflowId} nodeId={nodeId} edges={edges} samples={samples} initiallyOpen={plan.missing.length > 0} />
      <div className="test-step__actions">
        <button type="button" className="button button--primary" disabled={blocker !== null || busy} aria-describedby={blocker ? whyId : undefined} onClick={() => void runTestStep(workflowId, nodeId, plan)}>
          <span aria-hidden="true">▶ </span>Run this step
        </button>
        {blocker && (
          <span id={whyId} className="test-step__why">
            {blocker}
          </span>
        )}
      </div>
      {result && <TestResultView workflowId={workflowId} nodeId={nodeId} result={result} />}
    </div>
  );
}

/** The node's input for the test as JSON: built from the sample data until the person edits it. */
function SampleInput({
  workflowId,
  nodeId,
  edges,
  samples,
  initiallyOpen,
}: {
  readonly workflowId: string;
  readonly nodeId: string;
  readonly edges: readonly TestEdge[];
  readonly samples: ReturnType<typeof useSampleData>;
  readonly initiallyOpen: boolean;
}) {
  const id = useId();
  const [open, setOpen] = useState(initiallyOpen || samples.typedText !== null);
  const { typedInput: _typed, ...untyped } = samples.data;
  const fromSamples = sampleInputOf(edges, nodeId, untyped);
  const text = samples.typedText ?? (fromSamples === undefined ? '' : formatJson(fromSamples));
  const set = (t: string | null) => useSampleStore.getState().setInput(workflowId, nodeId, t);
  return (
    <details className="test-step__input" open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>Sample input{samples.typedText !== null && <span className="muted"> · typed</span>}</summary>
      <div className="field">
        <label htmlFor={id}>Input of this node (JSON)</label>
        <textarea id={id} rows={6} spellCheck={false} value={text} aria-invalid={samples.typedError ? true : undefined} aria-describedby={`${id}-help`} onChange={(e) => set(e.target.value)} />
        <p id={`${id}-help`} className={samples.typedError ? 'field__problems' : 'field__help'}>
          {samples.typedError ?? 'What $ and $input hold in the test. Edit it to try other data; with several inputs, one key per upstream node.'}
        </p>
        {samples.typedText !== null && (
          <button type="button" className="button button--quiet button--small" onClick={() => set(null)}>
            Use the sample data instead
          </button>
        )}
      </div>
    </details>
  );
}

/** What the test run did with this node: its status, then its output or its error. */
function TestResultView({ workflowId, nodeId, result }: { readonly workflowId: string; readonly nodeId: string; readonly result: TestResult }) {
  const [note, setNote] = useState<string | null>(null);
  if (result.state === 'starting') {
    return (
      <p className="test-step__result muted" role="status">
        Starting a test run…
      </p>
    );
  }
  if (result.state === 'failed') {
    return (
      <p className="notice notice--danger test-step__result" role="alert" data-testid="test-result">
        {result.message}
      </p>
    );
  }
  const { node, runId, runStatus, runError } = result;
  const ended = FINAL_RUN_STATUSES.includes(runStatus);
  const error = node?.error ?? (ended && node?.status !== 'succeeded' ? runError : null);
  return (
    <div className="test-step__result" data-testid="test-result" data-state={result.state} aria-live="polite">
      <p className="test-step__result-head">
        <strong>Result</strong> <NodeStatusBadge status={node?.status ?? 'pending'} size="small" /> <span className="muted">in test run</span>{' '}
        <Link to={pathFor({ name: 'run', id: runId })} className="mono">
          {runId}
        </Link>
      </p>
      {error ? (
        <p className="notice notice--danger" data-testid="test-error">
          <strong>{error.type}</strong>: {error.message}
        </p>
      ) : node?.status === 'succeeded' ? (
        <>
          <pre className="json test-step__json" data-testid="test-output" tabIndex={0}>
            {formatJson(node.output)}
          </pre>
          {note && <p className="test-step__warning">{note}</p>}
          <button type="button" className="button button--small" onClick={() => setNote(pinOutput(workflowId, nodeId, node.output, runId))}>
            Pin this result
          </button>
        </>
      ) : (
        !ended && <p className="muted">The node has not finished yet…</p>
      )}
    </div>
  );
}
