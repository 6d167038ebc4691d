import { createMiddleware } from 'hono/factory';
import type { Db } from '../db/database.js';
import { findTokenByHash, touchToken } from '../db/repositories/token.repository.js';
import { apiError } from '../errors.js';
import { withMeta } from '../openapi.js';
import { hasRole, hashToken, ROLES, type Role } from './tokens.js';

/** Who is calling, set by `bearerAuth`. */
export interface Caller {
  readonly tokenId: string;
  /** The token's name, shown as who decided or changed something. */
  readonly name: string;
  readonly role: Role;
}

/** Hono variables the auth middleware provides. */
export interface AuthEnv {
  Variables: { caller: Caller };
}

/** Options of `bearerAuth`. */
export interface BearerAuthOptions {
  readonly db: Db;
  /** How stale `last_used_at` may get before it is written again. */
  readonly touchAfterMs?: number;
}

/** Requires a valid, unrevoked, unexpired bearer token; answers 401 otherwise. */
export function bearerAuth({ db, touchAfterMs = 60_000 }: BearerAuthOptions) {
  const mw = createMiddleware<AuthEnv>(async function bearerAuth(c, next) {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) return apiError(c, 401, 'unauthorized', 'send an API token as "Authorization: Bearer <token>"');
    const row = await findTokenByHash(db, hashToken(match[1]!));
    const now = Date.now();
    if (!row || row.revoked_at || (row.expires_at && row.expires_at.getTime() <= now) || !ROLES.includes(row.role as Role)) {
      return apiError(c, 401, 'unauthorized', 'the API token is not valid, revoked or expired');
    }
    if (!row.last_used_at || now - row.last_used_at.getTime() > touchAfterMs) await touchToken(db, row.id);
    c.set('caller', { tokenId: row.id, name: row.name, role: row.role as Role });
    await next();
  });
  return withMeta(mw, { auth: 'bearer' });
}

/** Requires the caller's role to be at least `min`; answers 403 otherwise. */
export function requireRole(min: Role) {
  const mw = createMiddleware<AuthEnv>(async function requireRole(c, next) {
    const caller = c.get('caller');
    if (!hasRole(caller.role, min)) return apiError(c, 403, 'forbidden', `this needs the ${min} role; the token has ${caller.role}`);
    await next();
  });
  return withMeta(mw, { role: min });
}
