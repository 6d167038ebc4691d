import { useId } from 'react';
import { importWorkflow } from '../../api/workflows';
import { ErrorNotice } from '../../operators/ErrorNotice';
import { useAction } from '../../operators/useAction';
import { useModal } from '../../operators/useModal';
import { navigate, pathFor } from '../../router';
import { useDocumentStore, type EditableWorkflow } from '../../store/document-store';
import { mayLeave } from './leave-guard';

/** After a file is read: put it in this editor (one undoable edit) or create a new workflow from it. */
export function ImportDialog({ doc, onClose }: { readonly doc: EditableWorkflow; readonly onClose: () => void }) {
  const modal = useModal(onClose);
  const titleId = useId();
  const { pending, error, run } = useAction();

  const replace = () => {
    useDocumentStore.getState().edit('Import', () => doc);
    onClose();
  };
  const create = async () => {
    // Opening the new workflow leaves this one: its unsaved edits are asked about before anything is created.
    if (!mayLeave()) return;
    await run(async () => {
      const saved = await importWorkflow(doc);
      onClose();
      navigate(pathFor({ name: 'workflow', id: saved.id }), { force: true });
    });
  };

  return (
    <dialog {...modal} className="dialog" aria-labelledby={titleId}>
      <h2 id={titleId}>Import “{doc.name}”</h2>
      <p>
        {doc.nodes.length} node{doc.nodes.length === 1 ? '' : 's'}, {doc.edges.length} connection{doc.edges.length === 1 ? '' : 's'}.
      </p>
      <ErrorNotice error={error} prefix="Not imported" />
      <div className="dialog__actions">
        <button type="button" className="button" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="button" onClick={() => void create()} disabled={pending}>
          Create a new workflow
        </button>
        <button type="button" className="button button--primary" onClick={replace} autoFocus>
          Replace this workflow’s graph
        </button>
      </div>
    </dialog>
  );
}
