import { useEffect } from 'react';
import type { CanvasCommands } from '../../canvas/commands';
import { commandFor, isTyping } from '../../canvas/shortcuts';
import { useDocumentStore } from '../../store/document-store';

interface ShortcutActions {
  readonly commands: CanvasCommands;
  /** Ctrl+S. */
  readonly save: () => void;
  /** `?`: the shortcuts' help. */
  readonly help: () => void;
  /** What a copy or paste did, or null to clear the notice. */
  readonly notice: (message: string | null) => void;
}

/** The editor's keyboard shortcuts (see `SHORTCUTS`), on the whole window while the editor is shown. */
export function useEditorShortcuts({ commands, save, help, notice }: ShortcutActions): void {
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
        if (!inDialog) save();
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
      else if (command === 'copy') void commands.copy().then((ok) => notice(ok ? 'Copied.' : null));
      else if (command === 'paste') void commands.paste().then((ok) => notice(ok ? null : 'Nothing to paste: copy nodes first.'));
      else help();
    };
    // In the capture phase, so Ctrl+S is the editor's before a code editor or field sees it.
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [commands, save, help, notice]);
}
