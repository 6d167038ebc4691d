import type { WorkflowSummary } from '@weft/schemas';
import { listWorkflows } from '../api/client';
import { useResource } from '../api/useResource';
import { Link } from '../Link';
import { pathFor } from '../router';
import { RunStatusBadge } from '../runs/StatusBadge';
import { Time } from '../Time';
import { LoadError } from './LoadError';

/** Every workflow with its version, last change and last run. */
export function WorkflowListPage() {
  const { resource, reload } = useResource('workflows', (signal) => listWorkflows({ signal }));

  return (
    <div className="page">
      <title>Workflows · Weft</title>
      <h1>Workflows</h1>
      {resource.state === 'loading' && <p className="muted">Loading workflows…</p>}
      {resource.state === 'error' && <LoadError what="workflows" error={resource.error} onRetry={reload} />}
      {resource.state === 'ready' &&
        (resource.data.length === 0 ? (
          <div className="empty card">
            <p>No workflows yet.</p>
            <p className="muted">Workflows appear here once they are saved through the API.</p>
          </div>
        ) : (
          <WorkflowTable workflows={resource.data} />
        ))}
    </div>
  );
}

function WorkflowTable({ workflows }: { readonly workflows: readonly WorkflowSummary[] }) {
  return (
    <div className="table-wrap card">
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col" className="num">
              Version
            </th>
            <th scope="col">Last updated</th>
            <th scope="col">Last run</th>
          </tr>
        </thead>
        <tbody>
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
        </tbody>
      </table>
    </div>
  );
}
