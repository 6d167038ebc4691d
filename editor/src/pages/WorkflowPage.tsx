import type { NodeTypeView, WorkflowView } from '@weft/schemas';
import { ReactFlowProvider } from '@xyflow/react';
import { useCallback, useEffect, useMemo, useRef, useState, type RefObject } from 'react';
import { ErrorNotice } from '../operators/ErrorNotice';
import { ApiError, getWorkflow, listNodeTypes } from '../api/client';
import { useResource } from '../api/useResource';
import { createWorkflow, importWorkflow, saveWorkflow } from '../api/workflows';
import { useCanvasCommands } from '../canvas/commands';
import { exportFileName, readImport } from '../canvas/import-export';
import { layeredPositions, needsLayout } from '../canvas/layout';
import { commandFor, isTyping, NO_CANVAS_KEYS } from '../canvas/shortcuts';
import { ShortcutsHelp } from '../canvas/ShortcutsHelp';
import { takesTools } from '../canvas/tools';
import { WorkflowCanvas } from '../canvas/WorkflowCanvas';
import { Inspector } from '../inspector/Inspector';
import { WORKFLOW_NAME_FIELD } from '../inspector/WorkflowDetails';
import { IssuesPanel } from '../inspector/IssuesPanel';
import { Link } from '../Link';
import { Palette } from '../palette/Palette';
import { navigate, pathFor, setLeaveGuard } from '../router';
import { LatestRunPanel } from '../runs/LatestRunPanel';
import { RunDialog } from '../runs/RunDialog';
import { isFinalRunStatus } from '../runs/status';
import { useAgentEvents, useTranscript } from '../runs/useAgentFeed';
import { useLatestRun } from '../runs/useLatestRun';
import { editable, useDirty, useDocumentStore, useHistoryState, type EditableWorkflow } from '../store/document-store';
import { useRunStore } from '../store/run-store';
import { useProblems } from '../validation/useProblems';
import { LoadError } from './LoadError';
import { NotFoundPage } from './NotFoundPage';

const NO_TYPES: NodeTypeView[] = [];
/** What a person leaving unsaved edits is asked. */
const LEAVE_QUESTION = 'This workflow has unsaved changes. Leave without saving them?';

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
  const { canUndo, canRedo } = useHistoryState();
  const problems = useProblems(catalog);
  const errors = useMemo(() => problems.filter((p) => p.severity === 'error'), [problems]);
  const commands = useCanvasCommands();

  const [dialog, setDialog] = useState<'save' | 'help' | 'run' | 'import' | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  // A new key remounts the run follower, which then finds the run just started as the latest.
  const [runKey, setRunKey] = useState(0);
  const fileInput = useRef<HTMLInputElement>(null);
  const [imported, setImported] = useState<EditableWorkflow | null>(null);

  const canSave = dirty && errors.length === 0;
  const openSave = useCallback(() => {
    // With nothing to save, Ctrl+S says so rather than opening an empty dialog.
    if (useDocumentStore.getState().doc === useDocumentStore.getState().saved) setNotice('No unsaved changes.');
    else setDialog('save');
  }, []);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const command = commandFor(event);
      if (!command) return;
      const inDialog = document.querySelector('dialog[open]') !== null;
      // Ctrl+S saves from anywhere, a field included (what was typed is already in the document);
      // it never reaches the field or the browser's "save page".
      if (command === 'save') {
        event.preventDefault();
        event.stopPropagation();
        if (!inDialog) openSave();
        return;
      }
      // Every other key typed into a field is the field's.
      if (isTyping(event.target) || inDialog) return;
      const { undo, redo, selectedNodes } = useDocumentStore.getState();
      // With no node selected, Ctrl+C copies whatever text is selected, as anywhere else.
      if (command === 'copy' && selectedNodes.length === 0) return;
      event.preventDefault();
      if (command === 'undo') undo();
      else if (command === 'redo') redo();
      else if (command === 'copy') void commands.copy().then((ok) => setNotice(ok ? 'Copied.' : null));
      else if (command === 'paste') void commands.paste().then((ok) => setNotice(ok ? null : 'Nothing to paste: copy nodes first.'));
      else setDialog('help');
    };
    // In the capture phase, so Ctrl+S is the editor's before a code editor or field sees it.
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [commands, openSave]);

  // Leaving with unsaved changes asks first: a reload or a closed tab through the browser, a link
  // or back / forward in the app through the router (read live, so a save just made counts).
  useEffect(() => {
    if (!dirty) return;
    const onBeforeUnload = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, [dirty]);
  useEffect(
    () =>
      setLeaveGuard(() => {
        const { doc, saved } = useDocumentStore.getState();
        return doc === saved || window.confirm(LEAVE_QUESTION);
      }),
    [],
  );

  const exportJson = () => {
    const { doc } = useDocumentStore.getState();
    const blob = new Blob([`${JSON.stringify(doc, null, 2)}\n`], { type: 'application/json' });
    const href = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = href;
    a.download = exportFileName(doc.name);
    a.click();
    setTimeout(() => URL.revokeObjectURL(href), 0);
  };

  const onFile = async (file: File | undefined) => {
    if (!file) return;
    const result = readImport(await file.text());
    if (fileInput.current) fileInput.current.value = '';
    if (!result.ok) {
      setNotice(`Could not import ${file.name}: ${result.error}`);
      return;
    }
    setNotice(null);
    setImported(result.doc);
    setDialog('import');
  };

  if (!loaded) return <p className="page muted">Loading workflow…</p>;

  const saveBlockers = errors.length > 0 ? `Fix ${errors.length} error${errors.length === 1 ? '' : 's'} first` : !dirty ? 'No unsaved changes' : '';

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
      <div className="editor-toolbar" role="toolbar" aria-label="Workflow editor">
        <button type="button" className="button button--primary" onClick={openSave} disabled={!canSave} title={saveBlockers || 'Save a new version (Ctrl+S)'} aria-describedby={saveBlockers ? 'save-blockers' : undefined}>
          Save
        </button>
        <span className="editor-toolbar__sep" aria-hidden="true" />
        <button type="button" className="button" onClick={() => useDocumentStore.getState().undo()} disabled={!canUndo} title="Undo (Ctrl+Z)">
          <span aria-hidden="true">↶</span> Undo
        </button>
        <button type="button" className="button" onClick={() => useDocumentStore.getState().redo()} disabled={!canRedo} title="Redo (Ctrl+Shift+Z)">
          <span aria-hidden="true">↷</span> Redo
        </button>
        <span className="editor-toolbar__sep" aria-hidden="true" />
        <button type="button" className="button" onClick={commands.layout}>
          Layout
        </button>
        <button type="button" className="button" onClick={commands.fit}>
          Fit
        </button>
        <GroupButton onGroup={commands.group} />
        <span className="editor-toolbar__sep" aria-hidden="true" />
        <button type="button" className="button" onClick={exportJson}>
          Export
        </button>
        <button type="button" className="button" onClick={() => fileInput.current?.click()}>
          Import
        </button>
        <input ref={fileInput} type="file" accept="application/json,.json" hidden data-testid="import-file" onChange={(e) => void onFile(e.target.files?.[0])} />
        <Link to={pathFor({ name: 'versions', id: workflow.id })} className="button" title="Every saved version: compare, restore">
          Versions
        </Link>
        <button type="button" className="button button--quiet" onClick={() => setDialog('help')} aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)">
          ?
        </button>
        <span className="editor-toolbar__grow" />
        {saveBlockers && dirty && (
          <span id="save-blockers" className="editor-toolbar__why muted">
            {saveBlockers}
          </span>
        )}
        <button type="button" className="button button--primary" onClick={() => setDialog('run')} disabled={dirty} title={dirty ? 'Save first: a run uses the latest saved version' : 'Run the latest version'}>
          <span aria-hidden="true">▶</span> Run
        </button>
      </div>
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
      {dialog === 'help' && <ShortcutsHelp onClose={() => setDialog(null)} />}
      {dialog === 'save' && <SaveDialog onClose={() => setDialog(null)} />}
      {dialog === 'run' && (
        <RunDialog
          workflowId={workflow.id}
          {...(inputSchema ? { inputSchema } : {})}
          onClose={() => setDialog(null)}
          onStarted={() => {
            setDialog(null);
            setRunKey((k) => k + 1);
          }}
        />
      )}
      {dialog === 'import' && imported && (
        <ImportDialog
          doc={imported}
          onClose={() => {
            setDialog(null);
            setImported(null);
          }}
        />
      )}
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

function GroupButton({ onGroup }: { readonly onGroup: () => void }) {
  const count = useDocumentStore((s) => s.selectedNodes.length);
  return (
    <button type="button" className="button" onClick={onGroup} disabled={count === 0} title={count === 0 ? 'Select nodes to group them' : `Group ${count} nodes in a frame`}>
      Group
    </button>
  );
}

/** A modal `<dialog>` opened on mount; Esc closes it. */
function useModal(): RefObject<HTMLDialogElement | null> {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return ref;
}

/** Saves the document as a new version, showing the API's problems when it refuses. */
function SaveDialog({ onClose }: { readonly onClose: () => void }) {
  const ref = useModal();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | Error | null>(null);
  const [message, setMessage] = useState('');

  const save = async () => {
    const { workflowId, doc, markSaved } = useDocumentStore.getState();
    setBusy(true);
    setError(null);
    try {
      const saved = workflowId ? await saveWorkflow(workflowId, doc, message) : await createWorkflow(doc, message);
      markSaved(saved.id, saved.version);
      onClose();
      if (!workflowId) navigate(pathFor({ name: 'workflow', id: saved.id }));
    } catch (e) {
      setError(e instanceof Error ? e : new Error(String(e)));
    } finally {
      setBusy(false);
    }
  };

  return (
    <dialog ref={ref} className="dialog" aria-labelledby="save-title" onCancel={onClose}>
      <form
        method="dialog"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <h2 id="save-title">Save a new version</h2>
        <p>
          The graph is saved as version {(useDocumentStore.getState().version ?? 0) + 1}; runs started from now on use it.
        </p>
        <div className="field">
          <label htmlFor="save-message">What changed (optional)</label>
          <input id="save-message" value={message} onChange={(e) => setMessage(e.target.value)} maxLength={500} autoFocus />
        </div>
        <ErrorNotice error={error} prefix="Not saved" />
        <div className="dialog__actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button--primary" disabled={busy}>
            {busy ? 'Saving…' : 'Save'}
          </button>
        </div>
      </form>
    </dialog>
  );
}

/** After a file is read: put it in this editor (one undoable edit) or create a new workflow from it. */
function ImportDialog({ doc, onClose }: { readonly doc: EditableWorkflow; readonly onClose: () => void }) {
  const ref = useModal();
  const [error, setError] = useState<ApiError | Error | null>(null);
  const [busy, setBusy] = useState(false);

  const replace = () => {
    useDocumentStore.getState().edit('Import', () => doc);
    onClose();
  };
  const create = async () => {
    // Opening the new workflow leaves this one: its unsaved edits are asked about before anything is created.
    const { doc: current, saved: stored } = useDocumentStore.getState();
    if (current !== stored && !window.confirm(LEAVE_QUESTION)) return;
    setBusy(true);
    try {
      const saved = await importWorkflow(doc);
      onClose();
      navigate(pathFor({ name: 'workflow', id: saved.id }), { force: true });
    } catch (e) {
      setError(e instanceof Error ? e : new Error(String(e)));
      setBusy(false);
    }
  };

  return (
    <dialog ref={ref} className="dialog" aria-labelledby="import-title" onCancel={onClose}>
      <h2 id="import-title">Import “{doc.name}”</h2>
      <p>
        {doc.nodes.length} node{doc.nodes.length === 1 ? '' : 's'}, {doc.edges.length} connection{doc.edges.length === 1 ? '' : 's'}.
      </p>
      <ErrorNotice error={error} prefix="Not imported" />
      <div className="dialog__actions">
        <button type="button" className="button" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="button" onClick={() => void create()} disabled={busy}>
          Create a new workflow
        </button>
        <button type="button" className="button button--primary" onClick={replace} autoFocus>
          Replace this workflow’s graph
        </button>
      </div>
    </dialog>
  );
}
