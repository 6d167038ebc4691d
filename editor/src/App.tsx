import { useEffect, useRef } from 'react';
import { Link } from './Link';
import { ApprovalsPage } from './pages/ApprovalsPage';
import { AuditPage } from './pages/AuditPage';
import { CollectionPage } from './pages/CollectionPage';
import { CollectionsPage } from './pages/CollectionsPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { RunPage } from './pages/RunPage';
import { RunsPage } from './pages/RunsPage';
import { SchedulesPage } from './pages/SchedulesPage';
import { SecretsPage } from './pages/SecretsPage';
import { SignInPage } from './pages/SignInPage';
import { TokensPage } from './pages/TokensPage';
import { VersionsPage } from './pages/VersionsPage';
import { WebhooksPage } from './pages/WebhooksPage';
import { WorkflowListPage } from './pages/WorkflowListPage';
import { WorkflowPage } from './pages/WorkflowPage';
import type { Route } from './router';
import { useAuthStore } from './store/auth-store';
import { useRoute } from './useRoute';

/** The editor: sign-in until there is a token, then the page the path names. */
export function App() {
  const signedIn = useAuthStore((s) => s.token !== null);
  const signOut = useAuthStore((s) => s.signOut);
  const route = useRoute();
  const main = useMainFocus(`${signedIn}:${JSON.stringify(route)}`);

  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <Link to="/" className="brand">
          <span className="brand__mark" aria-hidden="true">
            W
          </span>
          Weft
        </Link>
        {signedIn && (
          <button type="button" className="button button--quiet" onClick={() => signOut()}>
            Sign out
          </button>
        )}
      </header>
      <main id="main" ref={main} className="app-main" tabIndex={-1}>
        {signedIn ? <Page route={route} /> : <SignInPage />}
      </main>
    </div>
  );
}

/**
 * Moves focus to the main region when the page changes (not on first load), so keyboard and
 * screen-reader users continue from the new content instead of from a link that is gone.
 */
function useMainFocus(pageKey: string) {
  const ref = useRef<HTMLElement>(null);
  const firstKey = useRef(pageKey);
  useEffect(() => {
    if (pageKey === firstKey.current) return;
    firstKey.current = '';
    // A page that focused something itself (the sign-in field) keeps it.
    if (ref.current && !ref.current.contains(document.activeElement)) ref.current.focus({ preventScroll: true });
  }, [pageKey]);
  return ref;
}

function Page({ route }: { readonly route: Route }) {
  switch (route.name) {
    case 'workflows':
      return <WorkflowListPage />;
    case 'workflow':
      // Keyed so that moving to another workflow starts from fresh state.
      return <WorkflowPage key={route.id} id={route.id} />;
    case 'versions':
      return <VersionsPage key={route.id} id={route.id} />;
    case 'runs':
      return <RunsPage />;
    case 'run':
      return <RunPage key={route.id} id={route.id} />;
    case 'approvals':
      return <ApprovalsPage />;
    case 'schedules':
      return <SchedulesPage />;
    case 'webhooks':
      return <WebhooksPage />;
    case 'collections':
      return <CollectionsPage />;
    case 'collection':
      return <CollectionPage key={route.id} id={route.id} />;
    case 'secrets':
      return <SecretsPage />;
    case 'tokens':
      return <TokensPage />;
    case 'audit':
      return <AuditPage />;
    case 'not-found':
      return (
        <NotFoundPage>
          There is no page at <code>{route.path}</code>.
        </NotFoundPage>
      );
  }
}
