/** A form dialog's buttons: Cancel, and the primary submit that reads `submitting` while `busy`. */
export function DialogActions({ onCancel, busy, submit, submitting }: { readonly onCancel: () => void; readonly busy: boolean; readonly submit: string; readonly submitting: string }) {
  return (
    <div className="dialog__actions">
      <button type="button" className="button" onClick={onCancel}>
        Cancel
      </button>
      <button type="submit" className="button button--primary" disabled={busy}>
        {busy ? submitting : submit}
      </button>
    </div>
  );
}
