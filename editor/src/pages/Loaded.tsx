import type { ReactNode } from 'react';
import type { Resource } from '../api/useResource';
import { Loading } from '../operators/Loading';
import { LoadError } from './LoadError';

const noItems = (data: unknown) => Array.isArray(data) && data.length === 0;

/**
 * What a page shows of a loaded list: a placeholder while it loads, the error with a retry,
 * `empty` when there is nothing (a list without items, or what `isEmpty` says), else `children`.
 */
export function Loaded<T>({
  resource,
  what,
  onRetry,
  empty,
  isEmpty = noItems,
  children,
}: {
  readonly resource: Resource<T>;
  readonly what: string;
  readonly onRetry: () => void;
  readonly empty?: string;
  readonly isEmpty?: (data: T) => boolean;
  readonly children: (data: T) => ReactNode;
}) {
  if (resource.state === 'loading') return <Loading what={what} />;
  if (resource.state === 'error') return <LoadError what={what} error={resource.error} onRetry={onRetry} />;
  if (empty !== undefined && isEmpty(resource.data)) {
    return (
      <div className="empty card">
        <p>{empty}</p>
      </div>
    );
  }
  return <>{children(resource.data)}</>;
}
