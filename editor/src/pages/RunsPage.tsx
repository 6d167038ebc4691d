import { RUN_STATUSES, type RunStatus, type RunSummary } from '@weft/schemas';
import { useEffect, useId, useState } from 'react';
import { getWorkflow, listWorkflows } from '../api/client';
import { listRunPage, RUN_TRIGGERS, type RunTriggerType } from '../api/runs';
import { toError, useResource } from '../api/useResource';
import { Link } from '../Link';
import { navigate, pathFor } from '../router';
import { RunDialog } from '../runs/RunDialog';
import { filterRuns, TIME_RANGES, type TimeRange } from '../runs/run-filters';
import { RunStatusBadge } from '../runs/StatusBadge';
import { runStatusLook } from '../runs/status';
import { DataTable } from '../operators/DataTable';
import { Time } from '../Time';
import '../runs/runs.css';

const PAGE_SIZE = 50;
const RANGE_LABEL: Record<TimeRange, string> = { hour: 'Last hour', day: 'Last 24 hours', week: 'Last 7 days', all: 'Any time' };

/** Run history: every run, newest first, filtered by workflow, status, trigger and time. */
export function RunsPage() {
  const id = useId();
  const [workflowId, setWorkflowId] = useState('');
  const [trigger, setTrigger] = useState<RunTriggerType | ''>('');
  const [status, setStatus] = useState<RunStatus | ''>('');
  const [range, setRange] = useState<TimeRange>('all');
  const workflows = useResource('workflows', (signal) => listWorkflows({ signal }));
  const [runs, setRuns] = useState<RunSummary[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [now, setNow] = useState(() => Date.now());
  const [dialog, setDialog] = useState<{ workflowId: string; inputSchema?: Readonly<Record<string, unknown>> } | null>(null);

  const openDialog = async () => {
    try {
      const wf = await getWorkflow(workflowId);
      setDialog({ workflowId, ...(wf.document.inputSchema ? { inputSchema: wf.document.inputSchema } : {}) });
    } catch (e) {
      setError(`Could not load the workflow: ${toError(e).message}`);
    }
  };

  const query = { ...(workflowId ? { workflowId } : {}), ...(trigger ? { trigger } : {}), limit: PAGE_SIZE };

  // The first page whenever the server-side filters change.
  useEffect(() => {
    const controller = new AbortController();
    setLoading(true);
    setRuns([]);
    setCursor(null);
    listRunPage({ ...(workflowId ? { workflowId } : {}), ...(trigger ? { trigger } : {}), limit: PAGE_SIZE }, { signal: controller.signal }).then(
      (page) => {
        setRuns([...page.items]);
        setCursor(page.nextCursor);
        setError(null);
        setNow(Date.now());
        setLoading(false);
      },
      (e: unknown) => {
        if (controller.signal.aborted) return;
        setError(`Could not load runs: ${toError(e).message}`);
        setLoading(false);
      },
    );
    return () => controller.abort();
  }, [workflowId, trigger]);

  const loadMore = async () => {
    if (!cursor) return;
    setLoading(true);
    try {
      const page = await listRunPage({ ...query, cursor });
      setRuns((r) => [...r, ...page.items]);
      setCursor(page.nextCursor);
      setError(null);
    } catch (e) {
      setError(`Could not load more runs: ${toError(e).message}`);
    } finally {
      setLoading(false);
    }
  };

  const { shown, exhausted } = filterRuns(runs, { status, range }, now);
  const names = new Map(workflows.resource.state === 'ready' ? workflows.resource.data.map((w) => [w.id, w.name]) : []);

  return (
    <div className="page">
      <title>Run history · Weft</title>
      <div className="page-head">
        <h1>Run history</h1>
        {workflowId && (
          <button type="button" className="button button--primary" onClick={() => void openDialog()}>
            Start a run…
          </button>
        )}
      </div>
      {dialog && (
        <RunDialog
          workflowId={dialog.workflowId}
          {...(dialog.inputSchema ? { inputSchema: dialog.inputSchema } : {})}
          onClose={() => setDialog(null)}
          onStarted={(runId) => navigate(pathFor({ name: 'run', id: runId }))}
        />
      )}
      <form className="run-filters" role="search" aria-label="Filter runs" onSubmit={(e) => e.preventDefault()}>
        <div className="field">
          <label htmlFor={`${id}-wf`}>Workflow</label>
          <select id={`${id}-wf`} value={workflowId} onChange={(e) => setWorkflowId(e.target.value)}>
            <option value="">All workflows</option>
            {workflows.resource.state === 'ready' &&
              workflows.resource.data.map((w) => (
                <option key={w.id} value={w.id}>
                  {w.name}
                </option>
              ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-status`}>Status</label>
          <select id={`${id}-status`} value={status} onChange={(e) => setStatus(e.target.value as RunStatus | '')}>
            <option value="">Any status</option>
            {RUN_STATUSES.map((s) => (
              <option key={s} value={s}>
                {runStatusLook(s).label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-trigger`}>Trigger</label>
          <select id={`${id}-trigger`} value={trigger} onChange={(e) => setTrigger(e.target.value as RunTriggerType | '')}>
            <option value="">Any trigger</option>
            {RUN_TRIGGERS.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-range`}>Started</label>
          <select id={`${id}-range`} value={range} onChange={(e) => setRange(e.target.value as TimeRange)}>
            {(Object.keys(TIME_RANGES) as TimeRange[]).map((r) => (
              <option key={r} value={r}>
                {RANGE_LABEL[r]}
              </option>
            ))}
          </select>
        </div>
      </form>
      {error && (
        <p className="notice notice--danger" role="alert">
          {error}
        </p>
      )}
      {shown.length === 0 && !loading ? (
        <p className="empty card">No runs match these filters.</p>
      ) : (
        <DataTable columns={['Run', 'Workflow', 'Status', 'Trigger', 'Created', 'Finished']} aria-label="Runs">
          {shown.map((r) => (
            <tr key={r.id}>
              <th scope="row">
                <Link to={pathFor({ name: 'run', id: r.id })}>
                  <code>{r.id}</code>
                </Link>
              </th>
              <td>
                {names.get(r.workflowId) ?? <code>{r.workflowId}</code>} <span className="muted">v{r.version}</span>
              </td>
              <td>
                <RunStatusBadge status={r.status} />
              </td>
              <td>
                {r.trigger?.type ?? 'manual'}
                {r.trigger?.ref && <span className="muted"> {r.trigger.ref}</span>}
              </td>
              <td>
                <Time value={r.createdAt} />
              </td>
              <td>
                <Time value={r.finishedAt} />
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      <p aria-live="polite" className="muted">
        {loading ? 'Loading runs…' : `${shown.length} of ${runs.length} loaded runs shown`}
      </p>
      {cursor && !exhausted && (
        <button type="button" className="button" disabled={loading} onClick={() => void loadMore()}>
          Load more
        </button>
      )}
    </div>
  );
}
