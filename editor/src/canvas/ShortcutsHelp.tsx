import { useModal } from '../operators/useModal';
import { SHORTCUTS } from './shortcuts';
import './canvas.css';

const IS_MAC = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);

/** The keyboard shortcuts, in a modal dialog that Esc closes. */
export function ShortcutsHelp({ onClose }: { readonly onClose: () => void }) {
  const modal = useModal(onClose);

  return (
    <dialog {...modal} className="dialog shortcuts" aria-labelledby="shortcuts-title">
      <h2 id="shortcuts-title">Keyboard shortcuts</h2>
      <table className="shortcuts__table">
        <tbody>
          {SHORTCUTS.map((s) => (
            <tr key={`${s.keys.join('+')}:${s.does}`}>
              <td>
                {s.keys.map((k, i) => (
                  <span key={k}>
                    {i > 0 && ' + '}
                    <kbd>{k === 'Mod' ? (IS_MAC ? '⌘' : 'Ctrl') : k}</kbd>
                  </span>
                ))}
              </td>
              <td>{s.does}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="dialog__actions">
        <button type="button" className="button" onClick={onClose} autoFocus>
          Close
        </button>
      </div>
    </dialog>
  );
}
