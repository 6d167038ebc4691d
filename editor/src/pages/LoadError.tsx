/** A failed load, with a way to try again. */
export function LoadError({ what, error, onRetry }: { readonly what: string; readonly error: Error; readonly onRetry: () => void }) {
  return (
    <div className="notice notice--danger load-error" role="alert">
      <p>
        Could not load {what}: {error.message}
      </p>
      <button type="button" className="button" onClick={onRetry}>
        Try again
      </button>
    </div>
  );
}
