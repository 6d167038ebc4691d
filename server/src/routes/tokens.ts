import { Hono } from 'hono';
import { z } from 'zod';
import { requireRole, type AuthEnv } from '../auth/bearer-auth.js';
import type { TokenCache } from '../auth/token-cache.js';
import { createToken, ROLES } from '../auth/tokens.js';
import type { Db } from '@weft/store';
import { appendAudit } from '@weft/store/repositories/audit.repository';
import { listTokens, revokeToken } from '@weft/store/repositories/token.repository';
import { apiError } from '../errors.js';
import { secretInAnswer } from '../idempotency.js';
import { describe } from '../openapi.js';
import { decodeCursor, PageQuery, toPage } from '../pagination.js';
import { valid } from '../validation.js';

const CreateBody = z
  .object({
    role: z.enum(ROLES),
    name: z.string().min(1).max(200).optional(),
    expiresAt: z.iso.datetime({ offset: true }).optional().meta({ description: 'When the token stops working; never by default' }),
  })
  .strict();
const IdParam = z.object({ id: z.string().regex(/^tok_[0-9a-f]{1,40}$/, 'expected a token id such as tok_0123456789abcdef') });

const TokenView = z.object({
  id: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
const Created = z.object({ id: z.string(), token: z.string().meta({ description: 'Shown this once; only its hash is stored' }), role: z.enum(ROLES), name: z.string(), expiresAt: z.string().nullable() });

/** API tokens: create (the token is answered once), list without hashes, revoke. Admins only. */
export function tokenRoutes(deps: { db: Db; tokens?: TokenCache }) {
  const { db, tokens } = deps;
  return new Hono<AuthEnv>()
    .use(requireRole('admin'))
    .get('/', describe({ summary: 'List API tokens (never their hashes)', responses: { 200: { description: 'A page of tokens', schema: z.object({ items: z.array(TokenView), nextCursor: z.string().nullable() }) } } }), valid('query', PageQuery), async (c) => {
      const { limit, cursor } = c.req.valid('query');
      const after = decodeCursor(cursor, 2) as [string, string] | undefined;
      const rows = await listTokens(db, { limit: limit + 1, ...(after ? { after } : {}) });
      return c.json(
        toPage(rows, limit, (r) => [r.sort_at, r.id], (r) => ({
          id: r.id,
          name: r.name,
          role: r.role,
          createdAt: r.created_at.toISOString(),
          expiresAt: r.expires_at?.toISOString() ?? null,
          lastUsedAt: r.last_used_at?.toISOString() ?? null,
          revokedAt: r.revoked_at?.toISOString() ?? null,
        })),
      );
    })
    .post('/', describe({ summary: 'Create an API token; the token is in this answer only', responses: { 201: { description: 'Created', schema: Created } } }), secretInAnswer(), valid('json', CreateBody), async (c) => {
      const body = c.req.valid('json');
      const expiresAt = body.expiresAt ? new Date(body.expiresAt) : null;
      if (expiresAt && expiresAt.getTime() <= Date.now()) return apiError(c, 422, 'invalid_request', 'expiresAt is in the past', [{ path: '$.expiresAt', message: 'must be in the future' }]);
      const name = body.name ?? `${body.role} token`;
      const created = await createToken(db, { role: body.role, name, expiresAt });
      await appendAudit(db, { actor: c.get('caller').tokenId, action: 'token.create', target: created.id, details: { role: body.role, name, expiresAt: expiresAt?.toISOString() ?? null } });
      return c.json({ id: created.id, token: created.token, role: body.role, name, expiresAt: expiresAt?.toISOString() ?? null }, 201);
    })
    .delete('/:id', describe({ summary: 'Revoke an API token', responses: { 200: { description: 'Revoked', schema: z.object({ id: z.string(), revoked: z.literal(true) }) } } }), valid('param', IdParam), async (c) => {
      const { id } = c.req.valid('param');
      const revoked = await revokeToken(db, id);
      // Refused from the next request on: the cache would otherwise trust the row for its TTL.
      tokens?.forget(id);
      if (revoked === undefined) return apiError(c, 404, 'not_found', `no token ${id}`);
      if (revoked) await appendAudit(db, { actor: c.get('caller').tokenId, action: 'token.revoke', target: id, details: {} });
      return c.json({ id, revoked: true as const });
    });
}
