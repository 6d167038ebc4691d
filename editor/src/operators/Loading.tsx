/** A placeholder that holds the space of what is loading, so the page does not jump. */
export function Loading({ what, rows = 3 }: { readonly what: string; readonly rows?: number }) {
  return (
    <div className="loading card" role="status" aria-live="polite" style={{ minHeight: `${2.75 * (rows + 1)}rem` }}>
      <span className="muted">Loading {what}…</span>
    </div>
  );
}
