import { useDocumentStore } from '../store/document-store';
import { TextField } from './TextField';

/** Id of the name field, so the page heading can send the person to it. */
export const WORKFLOW_NAME_FIELD = 'workflow-name';

/** Sets a top-level text of the document; the keystrokes of one field are one undo step. */
function setText(key: 'name' | 'description', value: string): void {
  useDocumentStore.getState().edit(
    key === 'name' ? 'rename the workflow' : 'describe the workflow',
    (doc) => {
      if (key === 'name') return { ...doc, name: value };
      const { description: _old, ...rest } = doc;
      return value ? { ...rest, description: value } : rest;
    },
    `workflow:${key}`,
  );
}

/** The workflow itself, shown when no node is selected: its name and what it is for. */
export function WorkflowDetails() {
  const name = useDocumentStore((s) => s.doc.name);
  const description = useDocumentStore((s) => s.doc.description ?? '');
  const empty = name.trim() === '';
  return (
    <div className="inspector__node" onBlur={() => useDocumentStore.getState().endGroup()}>
      <header className="inspector__head">
        <h2>Workflow</h2>
        <p className="muted">Select a node to edit it. Shift-click or drag a box to select several.</p>
      </header>
      <TextField
        id={WORKFLOW_NAME_FIELD}
        path="$.name"
        label="Name"
        value={name}
        maxLength={200}
        problem={empty ? 'Required' : null}
        help="Shown in the workflow list, the run history and the approvals inbox; the CLI finds the workflow by it."
        onChange={(e) => setText('name', e.target.value)}
      />
      <div className="field" data-field-path="$.description">
        <label htmlFor="workflow-description">Description</label>
        <textarea id="workflow-description" value={description} rows={4} maxLength={10_000} onChange={(e) => setText('description', e.target.value)} />
        <p className="field__help">What the workflow is for, for whoever opens it next.</p>
      </div>
    </div>
  );
}
