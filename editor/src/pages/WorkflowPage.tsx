import type { NodeTypeView, WorkflowView } from '@weft/schemas';
import { ReactFlowProvider } from '@xyflow/react';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { ApiError, getWorkflow, listNodeTypes } from '../api/client';
import { useResource } from '../api/useResource';
import { useCanvasCommands } from '../canvas/commands';
import { layeredPositions, needsLayout } from '../canvas/layout';
import { NO_CANVAS_KEYS } from '../canvas/shortcuts';
import { ShortcutsHelp } from '../canvas/ShortcutsHelp';
import { takesTools } from '../canvas/tools';
import { WorkflowCanvas } from '../canvas/WorkflowCanvas';
import { Inspector } from '../inspector/Inspector';
import { IssuesPanel } from '../inspector/IssuesPanel';
import { WORKFLOW_NAME_FIELD } from '../inspector/WorkflowDetails';
import { Link } from '../Link';
import { Palette } from '../palette/Palette';
import { LatestRunPanel } from '../runs/LatestRunPanel';
import { RunDialog } from '../runs/RunDialog';
import { isFinalRunStatus } from '../runs/status';
import { useAgentEvents, useTranscript } from '../runs/useAgentFeed';
import { useLatestRun } from '../runs/useLatestRun';
import { editable, useDirty, useDocumentStore, type EditableWorkflow } from '../store/document-store';
import { useRunStore } from '../store/run-store';
import { useProblems } from '../validation/useProblems';
import { LoadError } from './LoadError';
import { NotFoundPage } from './NotFoundPage';
import { ImportDialog } from './workflow/ImportDialog';
import { useLeaveGuard } from './workflow/leave-guard';
import { SaveDialog } from './workflow/SaveDialog';
import { useEditorShortcuts } from './workflow/useEditorShortcuts';
import { WorkflowToolbar } from './workflow/WorkflowToolbar';
import './workflow/workflow.css';

const NO_TYPES: NodeTypeView[] = [];

/** One workflow in the editor: palette, canvas, inspector, issues and its latest run. Key it by id. */
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
  return (
    <ReactFlowProvider>
      <LoadedWorkflow workflow={workflow.resource.data} nodeTypes={catalog} />
    </ReactFlowProvider>
  );
}

/** Puts a stored workflow in the document store; a hand-written one with every node at one point is laid out first. */
function loadIntoStore(workflow: WorkflowView): void {
  const doc = editable(workflow.document);
  if (needsLayout(doc.nodes)) {
    const positions = layeredPositions(doc.nodes, doc.edges);
    doc.nodes = doc.nodes.map((n) => ({ ...n, position: positions.get(n.id) ?? n.position }));
  }
  useDocumentStore.getState().load(doc, { workflowId: workflow.id, version: workflow.version });
}

function LoadedWorkflow({ workflow, nodeTypes }: { readonly workflow: WorkflowView; readonly nodeTypes: readonly NodeTypeView[] }) {
  const catalog = useMemo(() => new Map(nodeTypes.map((t) => [t.type, t])), [nodeTypes]);
  const [loaded, setLoaded] = useState(false);
  useEffect(() => {
    loadIntoStore(workflow);
    setLoaded(true);
  }, [workflow]);

  const name = useDocumentStore((s) => s.doc.name);
  const version = useDocumentStore((s) => s.version);
  const description = useDocumentStore((s) => s.doc.description);
  const inputSchema = useDocumentStore((s) => s.doc.inputSchema);
  const dirty = useDirty();
  const problems = useProblems(catalog);
  const errors = useMemo(() => problems.filter((p) => p.severity === 'error').length, [problems]);
  const commands = useCanvasCommands();

  const [dialog, setDialog] = useState<'save' | 'help' | 'run' | 'import' | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  // A new key remounts the run follower, which then finds the run just started as the latest.
  const [runKey, setRunKey] = useState(0);
  const [imported, setImported] = useState<EditableWorkflow | null>(null);

  const openSave = useCallback(() => {
    // With nothing to save, Ctrl+S says so rather than opening an empty dialog.
    if (useDocumentStore.getState().doc === useDocumentStore.getState().saved) setNotice('No unsaved changes.');
    else setDialog('save');
  }, []);
  const openHelp = useCallback(() => setDialog('help'), []);
  const closeDialog = useCallback(() => setDialog(null), []);
  const closeImport = useCallback(() => {
    setDialog(null);
    setImported(null);
  }, []);
  useEditorShortcuts({ commands, save: openSave, help: openHelp, notice: setNotice });
  useLeaveGuard(dirty);

  if (!loaded) return <p className="page muted">Loading workflow…</p>;

  return (
    <div className="workflow-page workflow-page--editor">
      <title>{`${dirty ? '• ' : ''}${name} · Weft`}</title>
      <div className="workflow-head">
        <div className="workflow-head__title">
          <nav aria-label="Breadcrumb" className="breadcrumb">
            <Link to="/">Workflows</Link>
          </nav>
          <h1>
            <button
              type="button"
              className="workflow-head__rename"
              title="Rename or describe the workflow"
              onClick={() => {
                useDocumentStore.getState().select([]);
                // The inspector shows the workflow's details once nothing is selected.
                requestAnimationFrame(() => document.getElementById(WORKFLOW_NAME_FIELD)?.focus());
              }}
            >
              {name}
            </button>{' '}
            <span className="version">v{version ?? workflow.version}</span>
            {dirty && <span className="editor-dirty"> · unsaved changes</span>}
          </h1>
          {description && <p className="muted workflow-head__description">{description}</p>}
        </div>
      </div>
      <WorkflowToolbar
        workflowId={workflow.id}
        commands={commands}
        dirty={dirty}
        errors={errors}
        onSave={openSave}
        onRun={() => setDialog('run')}
        onHelp={openHelp}
        onImported={(doc) => {
          setImported(doc);
          setDialog('import');
        }}
        onNotice={setNotice}
      />
      {notice && (
        <p className="editor-notice" role="status">
          {notice}{' '}
          <button type="button" className="button button--quiet button--small" onClick={() => setNotice(null)}>
            Dismiss
          </button>
        </p>
      )}
      <div className="editor-body">
        <Palette types={nodeTypes} />
        <section className="canvas" aria-label="Workflow graph">
          <WorkflowCanvas catalog={catalog} onNotice={setNotice} />
        </section>
        {/* Keys pressed in the side panel (its fields, buttons, code editors) never pan or delete on the canvas. */}
        <aside className={`editor-side ${NO_CANVAS_KEYS}`} aria-label="Details">
          <Inspector catalog={catalog} />
          <IssuesPanel catalog={catalog} />
          <RunFollower key={runKey} workflowId={workflow.id} catalog={catalog} />
        </aside>
      </div>
      {dialog === 'help' && <ShortcutsHelp onClose={closeDialog} />}
      {dialog === 'save' && <SaveDialog onClose={closeDialog} />}
      {dialog === 'run' && (
        <RunDialog
          workflowId={workflow.id}
          {...(inputSchema ? { inputSchema } : {})}
          onClose={closeDialog}
          onStarted={() => {
            setDialog(null);
            setRunKey((k) => k + 1);
          }}
        />
      )}
      {dialog === 'import' && imported && <ImportDialog doc={imported} onClose={closeImport} />}
    </div>
  );
}

/** The latest run of the workflow: statuses on the nodes, what its agents do, and the run panel. */
function RunFollower({ workflowId, catalog }: { readonly workflowId: string; readonly catalog: ReadonlyMap<string, NodeTypeView> }) {
  const latest = useLatestRun(workflowId);
  const runId = useRunStore((s) => s.run?.id ?? null);
  const final = useRunStore((s) => (s.run ? isFinalRunStatus(s.run.status) : true));
  // Only a workflow with agents needs their events: the cards of its agents and tools show them.
  const agents = useDocumentStore((s) => s.doc.nodes.some((n) => takesTools(catalog.get(n.type))));
  useAgentEvents(agents ? runId : null, !final);
  useTranscript(agents ? runId : null, final);
  return <LatestRunPanel loading={latest.loading} error={latest.error} />;
}
