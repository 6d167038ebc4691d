import type { WorkflowSummary } from '@weft/schemas';
import { useState } from 'react';
import { listWorkflows } from '../api/client';
import { toError, useResource } from '../api/useResource';
import { createWorkflow } from '../api/workflows';
import { Link } from '../Link';
import { navigate, pathFor } from '../router';
import { RunStatusBadge } from '../runs/StatusBadge';
import { Time } from '../Time';
import { DataTable } from '../operators/DataTable';
import { LoadError } from './LoadError';
import './pages.css';

/** Every workflow with its version, last change and last run. */
export function WorkflowListPage() {
  const { resource, reload } = useResource('workflows', (signal) => listWorkflows({ signal }));

  return (
    <div className="page">
      <title>Workflows · Weft</title>
      <div className="page-head">
        <h1>Workflows</h1>
        <NewWorkflowButton />
      </div>
      {resource.state === 'loading' && <p className="muted">Loading workflows…</p>}
      {resource.state === 'error' && <LoadError what="workflows" error={resource.error} onRetry={reload} />}
      {resource.state === 'ready' &&
        (resource.data.length === 0 ? (
          <div className="empty card">
            <p>No workflows yet.</p>
            <p className="muted">Start one with “New workflow”, or save one through the API.</p>
          </div>
        ) : (
          <WorkflowTable workflows={resource.data} />
        ))}
    </div>
  );
}

/** Creates an empty workflow (a manual trigger only) and opens it in the editor. */
function NewWorkflowButton() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const create = async () => {
    setBusy(true);
    setError(null);
    try {
      const { id } = await createWorkflow({
        schemaVersion: 1,
        name: 'Untitled workflow',
        nodes: [{ id: 'trigger_1', type: 'control.trigger', label: 'Start', params: {}, position: { x: 0, y: 0 } }],
        edges: [],
      });
      navigate(pathFor({ name: 'workflow', id }));
    } catch (e) {
      setError(toError(e).message);
      setBusy(false);
    }
  };
  return (
    <div className="page-head__actions">
      {error && (
        <span role="alert" className="editor-error">
          Could not create a workflow: {error}
        </span>
      )}
      <button type="button" className="button button--primary" onClick={() => void create()} disabled={busy}>
        {busy ? 'Creating…' : 'New workflow'}
      </button>
    </div>
  );
}

function WorkflowTable({ workflows }: { readonly workflows: readonly WorkflowSummary[] }) {
  return (
    <DataTable columns={['Name', { label: 'Version', num: true }, 'Last updated', 'Last run']}>
      {workflows.map((w) => (
        <tr key={w.id}>
          <th scope="row">
            <Link to={pathFor({ name: 'workflow', id: w.id })}>{w.name}</Link>
          </th>
          <td className="num">v{w.version}</td>
          <td>
            <Time value={w.updatedAt} />
          </td>
          <td>
            {w.lastRun ? (
              <span className="last-run">
                <RunStatusBadge status={w.lastRun.status} />
                <span className="muted">
                  <Time value={w.lastRun.createdAt} />
                </span>
              </span>
            ) : (
              <span className="muted">Never run</span>
            )}
          </td>
        </tr>
      ))}
    </DataTable>
  );
}
