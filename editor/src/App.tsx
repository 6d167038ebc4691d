import { useEffect, useRef } from 'react';
import { Link } from './Link';
import { DegradedBanner } from './operators/DegradedBanner';
import { navFor, navPageOf, type Role } from './operators/nav';
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
import { useApprovalsPolling, useApprovalsStore } from './store/approvals-store';
import { useAuthStore } from './store/auth-store';
import { useMeStore } from './store/me-store';
import { otherTheme } from './theme/theme';
import { useTheme } from './theme/useTheme';
import { useRoute } from './useRoute';
import './shell.css';

/** The editor: sign-in until there is a token, then the page the path names. */
export function App() {
  const token = useAuthStore((s) => s.token);
  const signedIn = token !== null;
  const signOut = useAuthStore((s) => s.signOut);
  const route = useRoute();
  const main = useMainFocus(`${signedIn}:${JSON.stringify(route)}`);
  const me = useMeStore((s) => s.current);
  const { theme, setTheme } = useTheme();

  useEffect(() => {
    if (token) void useMeStore.getState().load(token);
    else useMeStore.getState().clear();
  }, [token]);
  const role = me.state === 'ready' ? (me.me.role as Role) : null;

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
        {signedIn && <MainNav role={role} current={navPageOf(route.name)} />}
        <div className="app-header__end">
          <button
            type="button"
            className="button button--quiet theme-toggle"
            onClick={() => setTheme(otherTheme(theme))}
            aria-pressed={theme === 'dark'}
            title={`Switch to the ${otherTheme(theme)} theme`}
          >
            <span aria-hidden="true">{theme === 'dark' ? '☾' : '☀'}</span>
            <span className="visually-hidden">Dark theme</span>
          </button>
          {signedIn && (
            <>
              {me.state === 'ready' && (
                <span className="whoami muted" data-testid="whoami" title={`Signed in as ${me.me.name}`}>
                  <span className="visually-hidden">Signed in as {me.me.name}, </span>
                  {me.me.role}
                </span>
              )}
              <button type="button" className="button button--quiet" onClick={() => signOut()}>
                Sign out
              </button>
            </>
          )}
        </div>
      </header>
      <DegradedBanner />
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

/** The header links the role may use, the current section marked; space is kept while the role loads. */
function MainNav({ role, current }: { readonly role: Role | null; readonly current: string | undefined }) {
  return (
    <nav className="main-nav" aria-label="Main">
      <ul>
        {role &&
          navFor(role).map((item) => (
            <li key={item.page}>
              <Link to={item.path} className="main-nav__link" aria-current={item.page === current ? 'page' : undefined}>
                {item.label}
                {item.page === 'approvals' && <ApprovalCount />}
              </Link>
            </li>
          ))}
      </ul>
    </nav>
  );
}

/** How often the navigation asks how many approvals wait. */
const APPROVAL_COUNT_MS = 5000;

/** The number of approvals waiting, beside the Approvals link (shown only to roles that may decide them). */
function ApprovalCount() {
  useApprovalsPolling(true, APPROVAL_COUNT_MS);
  const count = useApprovalsStore((s) => s.items?.length ?? 0);
  if (count === 0) return null;
  return (
    <span className="nav-count" data-testid="approval-count">
      {count}
      <span className="visually-hidden"> waiting</span>
    </span>
  );
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
