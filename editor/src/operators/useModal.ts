import { useCallback, useLayoutEffect, useRef, type RefObject, type SyntheticEvent } from 'react';

/** What {@link useModal} gives: spread it on the `<dialog>`. */
export interface ModalProps {
  readonly ref: RefObject<HTMLDialogElement | null>;
  readonly onCancel: (event: SyntheticEvent<HTMLDialogElement>) => void;
}

/**
 * A `<dialog>` shown as a modal while `open` (by default while it is mounted): the browser keeps
 * focus inside it; Esc asks `onClose` rather than closing it behind React's back; when it closes
 * or unmounts, focus goes back to what had it before.
 *
 * @example
 * const modal = useModal(onClose);
 * return <dialog {...modal} className="dialog" aria-labelledby={titleId}>…</dialog>;
 */
export function useModal(onClose: () => void, open = true): ModalProps {
  const ref = useRef<HTMLDialogElement>(null);
  const onCancel = useCallback(
    (event: SyntheticEvent<HTMLDialogElement>) => {
      event.preventDefault();
      onClose();
    },
    [onClose],
  );

  // A layout effect, so an unmounting dialog is closed while it is still in the document: closing
  // it there is what hands focus back.
  useLayoutEffect(() => {
    const dialog = ref.current;
    if (!dialog || !open) return;
    const opener = document.activeElement;
    if (!dialog.open) dialog.showModal();
    return () => {
      if (dialog.open) dialog.close();
      const lost = document.activeElement === null || document.activeElement === document.body;
      if (lost && opener instanceof HTMLElement && opener.isConnected) opener.focus();
    };
  }, [open]);

  return { ref, onCancel };
}
