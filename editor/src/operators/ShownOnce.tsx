import { useId, useState } from 'react';

/** A secret value the API answers once: shown with a copy button and a warning. */
export function ShownOnce({ label, value, testId }: { readonly label: string; readonly value: string; readonly testId?: string }) {
  const [copied, setCopied] = useState(false);
  const id = useId();
  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  }
  return (
    <div className="shown-once notice" role="status">
      <label htmlFor={id}>{label}</label>
      <div className="shown-once__row">
        <input id={id} className="mono" readOnly value={value} onFocus={(e) => e.currentTarget.select()} data-testid={testId} />
        <button type="button" className="button" onClick={() => void copy()}>
          {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
      <p className="hint">It is shown this once: store it now. Only its hash (or its encryption) is kept.</p>
    </div>
  );
}
