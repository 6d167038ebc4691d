import { createMiddleware } from 'hono/factory';
import type { Db } from '../db/database.js';
import { apiError } from '../errors.js';
import { withMeta } from '../openapi.js';
import { tokenCache, type TokenCache } from './token-cache.js';
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
  /** How stale `last_used_at` may get before it is written again (when `tokens` is not given). */
  readonly touchAfterMs?: number;
  /** Where tokens are looked up; give the one the token routes forget revoked tokens in. */
  readonly tokens?: TokenCache;
}

/**
 * Requires a valid, unrevoked, unexpired bearer token; answers 401 otherwise. Expiry is checked
 * on every request; the token's row may come from `tokens` (see its `ttlMs` for revocations).
 */
export function bearerAuth({ db, touchAfterMs = 60_000, tokens = tokenCache({ db, touchAfterMs }) }: BearerAuthOptions) {
  const mw = createMiddleware<AuthEnv>(async function bearerAuth(c, next) {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) return apiError(c, 401, 'unauthorized', 'send an API token as "Authorization: Bearer <token>"');
    const hash = hashToken(match[1]!);
    // A cached row is used without a promise: this runs on every API request.
    const row = tokens.cached(hash) ?? (await tokens.find(hash));
    if (!row || row.revoked_at || (row.expires_at && row.expires_at.getTime() <= Date.now()) || !ROLES.includes(row.role as Role)) {
      return apiError(c, 401, 'unauthorized', 'the API token is not valid, revoked or expired');
    }
    const touching = tokens.touch(row);
    if (touching) await touching;
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
