import { useId, useState } from 'react';
import { createWorkflow, saveWorkflow } from '../../api/workflows';
import { DialogActions } from '../../operators/DialogActions';
import { ErrorNotice } from '../../operators/ErrorNotice';
import { useAction } from '../../operators/useAction';
import { useModal } from '../../operators/useModal';
import { navigate, pathFor } from '../../router';
import { useDocumentStore } from '../../store/document-store';

/** Saves the document as a new version, showing the API's problems when it refuses. */
export function SaveDialog({ onClose }: { readonly onClose: () => void }) {
  const modal = useModal(onClose);
  const ids = { title: useId(), message: useId() };
  const { pending, error, run } = useAction();
  const [message, setMessage] = useState('');

  const save = async () => {
    const { workflowId, doc, markSaved } = useDocumentStore.getState();
    await run(async () => {
      const saved = workflowId ? await saveWorkflow(workflowId, doc, message) : await createWorkflow(doc, message);
      markSaved(saved.id, saved.version);
      onClose();
      if (!workflowId) navigate(pathFor({ name: 'workflow', id: saved.id }));
    });
  };

  return (
    <dialog {...modal} className="dialog" aria-labelledby={ids.title}>
      <form
        method="dialog"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <h2 id={ids.title}>Save a new version</h2>
        <p>The graph is saved as version {(useDocumentStore.getState().version ?? 0) + 1}; runs started from now on use it.</p>
        <div className="field">
          <label htmlFor={ids.message}>What changed (optional)</label>
          <input id={ids.message} value={message} onChange={(e) => setMessage(e.target.value)} maxLength={500} autoFocus />
        </div>
        <ErrorNotice error={error} prefix="Not saved" />
        <DialogActions onCancel={onClose} busy={pending} submit="Save" submitting="Saving…" />
      </form>
    </dialog>
  );
}
