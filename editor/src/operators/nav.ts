/** The roles of API tokens, least to most able. */
export const ROLES = ['viewer', 'editor', 'operator', 'admin'] as const;
/** A token's role. */
export type Role = (typeof ROLES)[number];

/** Whether `role` has at least the rights of `needed`. */
export function hasRole(role: Role, needed: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(needed);
}

/** The pages the header links to. */
export type NavPage = 'workflows' | 'runs' | 'approvals' | 'schedules' | 'webhooks' | 'collections' | 'secrets' | 'tokens' | 'audit';

/** One header link: its page, label, path and the least role that may use the page. */
export interface NavItem {
  readonly page: NavPage;
  readonly label: string;
  readonly path: string;
  readonly role: Role;
}

// Viewers read workflows, runs, schedules, webhooks and knowledge; approving needs an operator;
// secrets, tokens and the audit log are admins' only (the API refuses the others).
const NAV: readonly NavItem[] = [
  { page: 'workflows', label: 'Workflows', path: '/', role: 'viewer' },
  { page: 'runs', label: 'Runs', path: '/runs', role: 'viewer' },
  { page: 'approvals', label: 'Approvals', path: '/approvals', role: 'operator' },
  { page: 'schedules', label: 'Schedules', path: '/schedules', role: 'viewer' },
  { page: 'webhooks', label: 'Webhooks', path: '/webhooks', role: 'viewer' },
  { page: 'collections', label: 'Knowledge', path: '/collections', role: 'viewer' },
  { page: 'secrets', label: 'Secrets', path: '/secrets', role: 'admin' },
  { page: 'tokens', label: 'Tokens', path: '/tokens', role: 'admin' },
  { page: 'audit', label: 'Audit', path: '/audit', role: 'admin' },
];

/** The header links a role may follow, in order. */
export function navFor(role: Role): NavItem[] {
  return NAV.filter((item) => hasRole(role, item.role));
}

/** Which header link the page of `routeName` belongs to (a run belongs to Runs, a collection to Knowledge). */
export function navPageOf(routeName: string): NavPage | undefined {
  switch (routeName) {
    case 'workflow':
    case 'versions':
      return 'workflows';
    case 'run':
      return 'runs';
    case 'collection':
      return 'collections';
    default:
      return NAV.some((n) => n.page === routeName) ? (routeName as NavPage) : undefined;
  }
}

/** Whether a role may change things of a kind: editors workflows and knowledge, operators triggers and approvals, admins the rest. */
export const can = {
  editKnowledge: (role: Role) => hasRole(role, 'editor'),
  operate: (role: Role) => hasRole(role, 'operator'),
  administer: (role: Role) => hasRole(role, 'admin'),
};
