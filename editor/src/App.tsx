import { Link } from './Link';
import { NotFoundPage } from './pages/NotFoundPage';
import { SignInPage } from './pages/SignInPage';
import { WorkflowListPage } from './pages/WorkflowListPage';
import { WorkflowPage } from './pages/WorkflowPage';
import { useAuthStore } from './store/auth-store';
import { useRoute } from './useRoute';

/** The editor: sign-in until there is a token, then the page the path names. */
export function App() {
  const signedIn = useAuthStore((s) => s.token !== null);
  const signOut = useAuthStore((s) => s.signOut);

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
      <main id="main" className="app-main" tabIndex={-1}>
        {signedIn ? <CurrentPage /> : <SignInPage />}
      </main>
    </div>
  );
}

function CurrentPage() {
  const route = useRoute();
  switch (route.name) {
    case 'workflows':
      return <WorkflowListPage />;
    case 'workflow':
      // Keyed so that moving to another workflow starts from fresh state.
      return <WorkflowPage key={route.id} id={route.id} />;
    case 'not-found':
      return (
        <NotFoundPage>
          There is no page at <code>{route.path}</code>.
        </NotFoundPage>
      );
  }
}
