import { createMiddleware } from 'hono/factory';
import { matchedRoutes } from 'hono/route';
import { findTargetHandler } from 'hono/utils/handler';
import type { Db } from '@weft/store';
import { apiError } from '../errors.js';
import { declaredAccess, ROLE_KEY, withSpec } from '../openapi.js';
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
 * Denies by default: a route that declares no role (`requireRole`) answers 403 to every token.
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
    if (!declaresRole(c)) return apiError(c, 403, 'forbidden', 'this route declares no role, so no token may call it');
    await next();
  });
  return mw;
}

/** Whether the request reached no route (left to the 404 fallback) or a route one of whose middlewares declares a role. */
function declaresRole(c: Parameters<typeof matchedRoutes>[0]): boolean {
  const routes = matchedRoutes(c);
  if (!routes.some((r) => r.method !== 'ALL')) return true;
  return routes.some((r) => declaredAccess(findTargetHandler(r.handler)) !== undefined);
}

/** Requires the caller's role to be at least `min`; answers 403 otherwise. */
export function requireRole(min: Role) {
  const mw = createMiddleware<AuthEnv>(async function requireRole(c, next) {
    const caller = c.get('caller');
    if (!hasRole(caller.role, min)) return apiError(c, 403, 'forbidden', `this needs the ${min} role; the token has ${caller.role}`);
    await next();
  });
  return withSpec(mw, { [ROLE_KEY]: min });
}
