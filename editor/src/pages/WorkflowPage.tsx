import type { NodeTypeView, WorkflowView } from '@weft/schemas';
import { useMemo } from 'react';
import { ApiError, getWorkflow, listNodeTypes } from '../api/client';
import { useResource } from '../api/useResource';
import { WorkflowCanvas } from '../canvas/WorkflowCanvas';
import { Link } from '../Link';
import { LatestRunPanel } from '../runs/LatestRunPanel';
import { useLatestRun } from '../runs/useLatestRun';
import { LoadError } from './LoadError';
import { NotFoundPage } from './NotFoundPage';

const NO_TYPES: NodeTypeView[] = [];

/** One workflow: its graph, its latest run and a button to start another. Key it by id. */
export function WorkflowPage({ id }: { readonly id: string }) {
  const workflow = useResource(`workflow:${id}`, (signal) => getWorkflow(id, { signal }));
  // Without the catalog, nodes still draw with their type id and the ports their edges use.
  const nodeTypes = useResource('node-types', (signal) => listNodeTypes({ signal }).catch(() => NO_TYPES));

  if (workflow.resource.state === 'error') {
    const { error } = workflow.resource;
    if (error instanceof ApiError && error.status === 404) {
      return (
        <NotFoundPage>
          There is no workflow with id <code>{id}</code>.
        </NotFoundPage>
      );
    }
    return (
      <div className="page">
        <LoadError what="the workflow" error={error} onRetry={workflow.reload} />
      </div>
    );
  }
  if (workflow.resource.state === 'loading' || nodeTypes.resource.state === 'loading') {
    return <p className="page muted">Loading workflow…</p>;
  }
  const catalog = nodeTypes.resource.state === 'ready' ? nodeTypes.resource.data : NO_TYPES;
  return <LoadedWorkflow workflow={workflow.resource.data} nodeTypes={catalog} />;
}

function LoadedWorkflow({ workflow, nodeTypes }: { readonly workflow: WorkflowView; readonly nodeTypes: readonly NodeTypeView[] }) {
  const latest = useLatestRun(workflow.id);
  const catalog = useMemo(() => new Map(nodeTypes.map((t) => [t.type, t])), [nodeTypes]);
  const { description } = workflow.document;

  return (
    <div className="workflow-page">
      <title>{`${workflow.name} · Weft`}</title>
      <div className="workflow-head">
        <div className="workflow-head__title">
          <nav aria-label="Breadcrumb" className="breadcrumb">
            <Link to="/">Workflows</Link>
          </nav>
          <h1>
            {workflow.name} <span className="version">v{workflow.version}</span>
          </h1>
          {description && <p className="muted workflow-head__description">{description}</p>}
        </div>
        <button type="button" className="button button--primary" onClick={() => void latest.start()} disabled={latest.starting}>
          <span aria-hidden="true">▶</span> {latest.starting ? 'Starting…' : 'Run'}
        </button>
      </div>
      <div className="workflow-body">
        <section className="canvas" aria-label="Workflow graph">
          <WorkflowCanvas document={workflow.document} catalog={catalog} />
        </section>
        <LatestRunPanel loading={latest.loading} error={latest.error} />
      </div>
    </div>
  );
}
