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

/**
 * Class that React Flow reads as "keys here are not the canvas'": its pan (Space), delete
 * (Delete/Backspace) and selection keys leave an element inside it alone. Every text control
 * that React Flow does not recognise itself carries it: Monaco's input is a plain `div` (the
 * EditContext of current Chromium), neither an input nor contenteditable.
 */
export const NO_CANVAS_KEYS = 'nokey';

// Inputs, text areas and contenteditable are fields by nature; Monaco's input (a textarea in older
// browsers, `div.native-edit-context` where EditContext exists) sits inside `.monaco-editor`.
const TEXT_FIELD = `input, textarea, select, [contenteditable]:not([contenteditable="false"]), [role="textbox"], .monaco-editor`;

/** Whether the key press belongs to a text field (inputs, text areas, code editors): the canvas' shortcuts leave it alone. */
export function isTyping(target: EventTarget | null): boolean {
  if (!target || typeof (target as HTMLElement).closest !== 'function') return false;
  const el = target as HTMLElement;
  return el.isContentEditable || el.closest(TEXT_FIELD) !== null;
}
