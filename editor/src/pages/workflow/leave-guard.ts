import { useEffect } from 'react';
import { setLeaveGuard } from '../../router';
import { useDocumentStore } from '../../store/document-store';

/** What a person leaving unsaved edits is asked. */
const LEAVE_QUESTION = 'This workflow has unsaved changes. Leave without saving them?';

/** Whether the editor may be left: yes with nothing unsaved, else the person is asked (read live, so a save just made counts). */
export function mayLeave(): boolean {
  const { doc, saved } = useDocumentStore.getState();
  return doc === saved || window.confirm(LEAVE_QUESTION);
}

/**
 * Leaving with unsaved changes asks first: a reload or a closed tab through the browser, a link
 * or back / forward in the app through the router.
 */
export function useLeaveGuard(dirty: boolean): void {
  useEffect(() => {
    if (!dirty) return;
    const onBeforeUnload = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, [dirty]);
  useEffect(() => setLeaveGuard(mayLeave), []);
}
