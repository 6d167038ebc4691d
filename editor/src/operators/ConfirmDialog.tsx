import { useId, type ReactNode } from 'react';
import { useModal } from './useModal';

/**
 * A modal question before something that cannot be undone, shown while `open` (see `useModal`:
 * focus stays inside, Esc cancels, focus goes back to what opened it). Cancel has the first
 * focus, so a stray Enter never deletes.
 */
export function ConfirmDialog({
  open,
  title,
  children,
  confirmLabel,
  busy = false,
  onConfirm,
  onCancel,
}: {
  readonly open: boolean;
  readonly title: string;
  readonly children?: ReactNode;
  readonly confirmLabel: string;
  readonly busy?: boolean;
  readonly onConfirm: () => void;
  readonly onCancel: () => void;
}) {
  const modal = useModal(onCancel, open);
  const titleId = useId();

  return (
    <dialog {...modal} className="dialog card" aria-labelledby={titleId}>
      <h2 id={titleId}>{title}</h2>
      {children}
      <div className="dialog__actions">
        <button type="button" className="button" onClick={onCancel} autoFocus>
          Cancel
        </button>
        <button type="button" className="button button--danger" onClick={onConfirm} disabled={busy} aria-busy={busy || undefined}>
          {confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
