import { useRef } from 'react';
import type { CanvasCommands } from '../../canvas/commands';
import { exportFileName, readImport } from '../../canvas/import-export';
import { Link } from '../../Link';
import { pathFor } from '../../router';
import { useDocumentStore, useHistoryState, type EditableWorkflow } from '../../store/document-store';

interface WorkflowToolbarProps {
  readonly workflowId: string;
  readonly commands: CanvasCommands;
  readonly dirty: boolean;
  /** How many errors the document has: a document with errors cannot be saved. */
  readonly errors: number;
  readonly onSave: () => void;
  readonly onRun: () => void;
  readonly onHelp: () => void;
  /** A file read for import, to be placed by the person. */
  readonly onImported: (doc: EditableWorkflow) => void;
  readonly onNotice: (message: string | null) => void;
}

/** The editor's toolbar: save, undo / redo, layout, groups, export / import, versions, help and run. */
export function WorkflowToolbar({ workflowId, commands, dirty, errors, onSave, onRun, onHelp, onImported, onNotice }: WorkflowToolbarProps) {
  const { canUndo, canRedo } = useHistoryState();
  const fileInput = useRef<HTMLInputElement>(null);
  const canSave = dirty && errors === 0;
  const saveBlockers = errors > 0 ? `Fix ${errors} error${errors === 1 ? '' : 's'} first` : !dirty ? 'No unsaved changes' : '';

  const onFile = async (file: File | undefined) => {
    if (!file) return;
    const result = readImport(await file.text());
    if (fileInput.current) fileInput.current.value = '';
    if (!result.ok) {
      onNotice(`Could not import ${file.name}: ${result.error}`);
      return;
    }
    onNotice(null);
    onImported(result.doc);
  };

  return (
    <div className="editor-toolbar" role="toolbar" aria-label="Workflow editor">
      <button type="button" className="button button--primary" onClick={onSave} disabled={!canSave} title={saveBlockers || 'Save a new version (Ctrl+S)'} aria-describedby={saveBlockers ? 'save-blockers' : undefined}>
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
      <Link to={pathFor({ name: 'versions', id: workflowId })} className="button" title="Every saved version: compare, restore">
        Versions
      </Link>
      <button type="button" className="button button--quiet" onClick={onHelp} aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)">
        ?
      </button>
      <span className="editor-toolbar__grow" />
      {saveBlockers && dirty && (
        <span id="save-blockers" className="editor-toolbar__why muted">
          {saveBlockers}
        </span>
      )}
      <button type="button" className="button button--primary" onClick={onRun} disabled={dirty} title={dirty ? 'Save first: a run uses the latest saved version' : 'Run the latest version'}>
        <span aria-hidden="true">▶</span> Run
      </button>
    </div>
  );
}

/** Downloads the document as it is now (saved or not) as a JSON file. */
function exportJson(): void {
  const { doc } = useDocumentStore.getState();
  const blob = new Blob([`${JSON.stringify(doc, null, 2)}\n`], { type: 'application/json' });
  const href = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = href;
  a.download = exportFileName(doc.name);
  a.click();
  setTimeout(() => URL.revokeObjectURL(href), 0);
}

function GroupButton({ onGroup }: { readonly onGroup: () => void }) {
  const count = useDocumentStore((s) => s.selectedNodes.length);
  return (
    <button type="button" className="button" onClick={onGroup} disabled={count === 0} title={count === 0 ? 'Select nodes to group them' : `Group ${count} nodes in a frame`}>
      Group
    </button>
  );
}
