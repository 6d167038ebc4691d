/** A keyboard shortcut of the editor, as the help overlay lists it. */
export interface Shortcut {
  readonly keys: readonly string[];
  readonly does: string;
}

/** What each shortcut does; `Mod` is Ctrl (⌘ on a Mac). */
export const SHORTCUTS: readonly Shortcut[] = [
  { keys: ['Mod', 'Z'], does: 'Undo' },
  { keys: ['Mod', 'Shift', 'Z'], does: 'Redo' },
  { keys: ['Mod', 'Y'], does: 'Redo' },
  { keys: ['Mod', 'C'], does: 'Copy the selected nodes' },
  { keys: ['Mod', 'V'], does: 'Paste nodes' },
  { keys: ['Mod', 'S'], does: 'Save a new version' },
  { keys: ['Delete'], does: 'Delete the selection (also Backspace)' },
  { keys: ['Shift', 'drag'], does: 'Select with a box' },
  { keys: ['Shift', 'click'], does: 'Add to the selection' },
  { keys: ['Enter'], does: 'In the palette: add the node type at the centre' },
  { keys: ['?'], does: 'Show these shortcuts' },
  { keys: ['Esc'], does: 'Close a dialog' },
];

/** An editor command a key press asks for. */
export type ShortcutCommand = 'undo' | 'redo' | 'copy' | 'paste' | 'save' | 'help';

/** The key press as the shortcut matcher needs it. */
export interface KeyPress {
  readonly key: string;
  readonly ctrlKey: boolean;
  readonly metaKey: boolean;
  readonly shiftKey: boolean;
  readonly altKey: boolean;
}

/** The command a key press asks for, or null. Typing in a field never reaches here (see `isTyping`). */
export function commandFor(e: KeyPress): ShortcutCommand | null {
  const mod = e.ctrlKey || e.metaKey;
  const key = e.key.toLowerCase();
  if (mod && !e.altKey) {
    if (key === 'z') return e.shiftKey ? 'redo' : 'undo';
    if (key === 'y' && !e.shiftKey) return 'redo';
    if (key === 'c' && !e.shiftKey) return 'copy';
    if (key === 'v' && !e.shiftKey) return 'paste';
    if (key === 's' && !e.shiftKey) return 'save';
    return null;
  }
  if (e.key === '?' && !e.altKey) return 'help';
  return null;
}

/** Whether the key press belongs to a text field (inputs, text areas, code editors). */
export function isTyping(target: EventTarget | null): boolean {
  if (!target || typeof (target as HTMLElement).closest !== 'function') return false;
  const el = target as HTMLElement;
  return el.isContentEditable || el.closest('input, textarea, select, [contenteditable="true"], .monaco-editor') !== null;
}
