// A tiny router on the History API: the editor has few pages, and owning the matching keeps it
// testable as plain functions. The server answers every non-API path with index.html.

/** A page of the editor, as the path names it. */
export type Route =
  | { readonly name: 'workflows' }
  | { readonly name: 'workflow'; readonly id: string }
  | { readonly name: 'versions'; readonly id: string }
  | { readonly name: 'runs' }
  | { readonly name: 'run'; readonly id: string }
  | { readonly name: 'approvals' }
  | { readonly name: 'schedules' }
  | { readonly name: 'webhooks' }
  | { readonly name: 'collections' }
  | { readonly name: 'collection'; readonly id: string }
  | { readonly name: 'secrets' }
  | { readonly name: 'tokens' }
  | { readonly name: 'audit' }
  | { readonly name: 'not-found'; readonly path: string };

/** Pages without an id, by their path. */
const FIXED: Readonly<Record<string, Exclude<Route, { id: string } | { name: 'not-found' }>>> = {
  '/runs': { name: 'runs' },
  '/approvals': { name: 'approvals' },
  '/schedules': { name: 'schedules' },
  '/webhooks': { name: 'webhooks' },
  '/collections': { name: 'collections' },
  '/secrets': { name: 'secrets' },
  '/tokens': { name: 'tokens' },
  '/audit': { name: 'audit' },
};

/** Pages of one thing, by the pattern of their path. */
const BY_ID: readonly [RegExp, 'workflow' | 'versions' | 'run' | 'collection'][] = [
  [/^\/workflows\/([^/]+)$/, 'workflow'],
  [/^\/workflows\/([^/]+)\/versions$/, 'versions'],
  [/^\/runs\/([^/]+)$/, 'run'],
  [/^\/collections\/([^/]+)$/, 'collection'],
];

/** Which page a path shows. Trailing slashes are ignored; an undecodable id is not found. */
export function matchRoute(pathname: string): Route {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  if (path === '/' || path === '') return { name: 'workflows' };

  const fixed = FIXED[path];
  if (fixed) return fixed;
  for (const [pattern, name] of BY_ID) {
    const match = pattern.exec(path);
    if (!match) continue;
    const id = safeDecode(match[1]!);
    if (id !== undefined && id !== '') return { name, id };
  }
  return { name: 'not-found', path: pathname };
}

/** The path of a page. */
export function pathFor(route: Exclude<Route, { name: 'not-found' }>): string {
  switch (route.name) {
    case 'workflows':
      return '/';
    case 'workflow':
      return `/workflows/${encodeURIComponent(route.id)}`;
    case 'versions':
      return `/workflows/${encodeURIComponent(route.id)}/versions`;
    case 'run':
      return `/runs/${encodeURIComponent(route.id)}`;
    case 'collection':
      return `/collections/${encodeURIComponent(route.id)}`;
    default:
      return `/${route.name}`;
  }
}

function safeDecode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

const listeners = new Set<() => void>();
/** Asked before the page changes (unsaved edits); false keeps the person where they are. */
let leaveGuard: (() => boolean) | null = null;
/** The path shown, so a refused back or forward can put it back. */
let shownPath: string | null = null;

/**
 * Asks `mayLeave` before any in-app navigation (links, `navigate`, back and forward) while it is
 * set; returns the function that removes it. A reload or a closed tab is the browser's
 * `beforeunload`, set beside it.
 */
export function setLeaveGuard(mayLeave: () => boolean): () => void {
  leaveGuard = mayLeave;
  shownPath = currentPath();
  return () => {
    if (leaveGuard === mayLeave) leaveGuard = null;
  };
}

/** Calls `listener` whenever the path changes (links, back and forward); returns the unsubscribe. */
export function subscribe(listener: () => void): () => void {
  if (listeners.size === 0) window.addEventListener('popstate', onPopState);
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) window.removeEventListener('popstate', onPopState);
  };
}

function onPopState(): void {
  // The browser has already moved; a person who stays is put back on the page they were on.
  if (leaveGuard && shownPath !== null && currentPath() !== shownPath && !leaveGuard()) {
    window.history.pushState(null, '', shownPath);
    return;
  }
  notify();
}

function notify(): void {
  shownPath = currentPath();
  for (const listener of listeners) listener();
}

/** The current path. */
export function currentPath(): string {
  return window.location.pathname;
}

/** Goes to `path` without reloading the page, unless a leave guard keeps the person here; says whether it went. */
export function navigate(path: string, options: { replace?: boolean; force?: boolean } = {}): boolean {
  if (path === currentPath()) return true;
  if (leaveGuard && !options.force && !leaveGuard()) return false;
  if (options.replace) window.history.replaceState(null, '', path);
  else window.history.pushState(null, '', path);
  window.scrollTo(0, 0);
  notify();
  return true;
}
