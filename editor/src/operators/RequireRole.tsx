import type { ReactNode } from 'react';
import { useMeStore } from '../store/me-store';
import { hasRole, type Role } from './nav';

/** Shows `children` to roles of at least `role`; others read why the page is closed to them. */
export function RequireRole({ role, title, children }: { readonly role: Role; readonly title: string; readonly children: ReactNode }) {
  const me = useMeStore((s) => s.current);
  if (me.state === 'ready' && !hasRole(me.me.role as Role, role)) {
    return (
      <div className="page">
        <title>{`${title} · Weft`}</title>
        <h1>{title}</h1>
        <p className="notice" role="note">
          This page needs the {role} role; your token is a {me.me.role} token.
        </p>
      </div>
    );
  }
  return children;
}
