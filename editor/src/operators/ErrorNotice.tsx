import { ApiError } from '../api/client';

/**
 * An API failure in the shared error shape: its message (after `prefix`, e.g. "Not saved") and,
 * per field, the paths it names.
 */
export function ErrorNotice({ error, prefix }: { readonly error: Error | null; readonly prefix?: string }) {
  if (!error) return null;
  const issues = error instanceof ApiError ? error.issues : [];
  const code = error instanceof ApiError ? error.code : undefined;
  return (
    <div className="notice notice--danger" role="alert">
      <p>
        {prefix && `${prefix}: `}
        {error.message}
        {code && <span className="muted"> ({code})</span>}
      </p>
      {issues.length > 0 && (
        <ul className="issues">
          {issues.map((issue, i) => (
            <li key={`${issue.path}:${i}`}>
              <code>{issue.path}</code> {issue.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
