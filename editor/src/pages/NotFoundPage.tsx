import type { ReactNode } from 'react';
import { Link } from '../Link';

/** Shown for a path the editor has no page for, or a record the API does not have. */
export function NotFoundPage({ children }: { readonly children?: ReactNode }) {
  return (
    <div className="page page--narrow">
      <title>Not found · Weft</title>
      <h1>Not found</h1>
      <p>{children ?? 'There is no page here.'}</p>
      <p>
        <Link to="/">Back to workflows</Link>
      </p>
    </div>
  );
}
